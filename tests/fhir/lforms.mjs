// Renders runback's FHIR Questionnaire in LHC-Forms (the NLM's FHIR form widget) in
// headless Chromium, fills it from a QuestionnaireResponse the way a clinic's form tool
// would be filled, and exports what the form holds as a QuestionnaireResponse.
//
//   node tests/fhir/lforms.mjs VENDOR CHROMIUM QUESTIONNAIRE FILL OUT
//
// VENDOR holds lforms/ and playwright-core/ (unpacked npm packages, see .ci/run). FILL is
// a QuestionnaireResponse whose answers are put into the form; OUT receives
// {"rendered": [linkIds on the blank form], "response": the exported response}.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [vendor, browserPath, questionnairePath, fillPath, outPath] = process.argv.slice(2);
const { chromium } = await import(path.resolve(vendor, 'playwright-core', 'index.mjs'));
const questionnaire = JSON.parse(fs.readFileSync(questionnairePath, 'utf8'));
const fill = JSON.parse(fs.readFileSync(fillPath, 'utf8'));
const root = path.resolve(vendor, 'lforms', 'dist', 'lforms');

const page = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/lhc-forms.js"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js"></script>
</body></html>`;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(page);
  }
  const file = path.join(root, decodeURIComponent(url.pathname.replace(/^\/lforms\//, '')));
  if (!file.startsWith(root) || !fs.existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address();

const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`http://127.0.0.1:${port}/`);
  await tab
    .waitForFunction(() => window.LForms && window.LForms.Util && window.LForms.Util.addFormToPage, null, { timeout: 20000 })
    .catch((e) => { throw new Error(`LHC-Forms did not load: ${errors.join('; ')} ${e}`); });
  // The blank form: which items it shows.
  const rendered = await tab.evaluate(async (q) => {
    await LForms.Util.addFormToPage(q, 'form', { fhirVersion: 'R4' });
    const data = LForms.Util.getFormData(document.getElementById('form'));
    const ids = [];
    const walk = (items) => (items || []).forEach((i) => { ids.push(i.linkId); walk(i.items); });
    walk(data.items);
    return ids;
  }, questionnaire);
  // The form filled from the response, then exported as LHC-Forms sees it: answers to
  // items its enableWhen has disabled are left out.
  const response = await tab.evaluate(async ([q, qr]) => {
    await LForms.Util.addFormToPage(q, 'form', { fhirVersion: 'R4', questionnaireResponse: qr });
    return LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'));
  }, [questionnaire, fill]);
  fs.writeFileSync(outPath, JSON.stringify({ rendered, response, errors }, null, 2));
} finally {
  await browser.close();
  server.close();
}

#!/usr/bin/env python3
"""Validates FHIR resources against the structural models of PyPI fhir.resources (R4B
models: R4B's Questionnaire and QuestionnaireResponse are R4's).

    python3 tests/fhir/validate.py Questionnaire q.json QuestionnaireResponse r.json

Prints one line per resource; exits 1 if any does not validate.
"""

import json
import sys

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

MODELS = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse}


def main(args):
    failed = False
    for kind, path in zip(args[::2], args[1::2]):
        with open(path) as f:
            data = json.load(f)
        try:
            resource = MODELS[kind].model_validate(data)
            print(f"{path}: valid {kind} ({resource.get_resource_type()})")
        except Exception as e:  # the model's own error names the element
            failed = True
            print(f"{path}: invalid {kind}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

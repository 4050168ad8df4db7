//! The four functions of the system's maths library that runback calls, looked up in it
//! the first time one is called: `sin`, `cos` and `asin` for the distance between two
//! points of a GPX or TCX track, and `pow` for the rate in the batch progress bar.
//!
//! Linked the usual way, the maths library (`libm.so.6`) is loaded and relocated when
//! every runback process starts: 11 page faults and about 0.06 ms, 7 % of a hello world,
//! although only those two uses need it (BENCHMARKS.md, "the whole process, once more").
//! With the four defined here, the linker has nothing left to take from it and leaves it
//! out. Each forwards to the system library's own function, so every result is the same
//! to the last bit as before: a maths library written in Rust differed from it in the
//! last bit of 1 % of track distances.
//!
//! A new call of another of its functions (`exp`, `%` on decimals, or a sine and a cosine
//! of the same number, which the compiler may merge into `sincos`) would bring the library
//! back at start; `tests/start.rs` says so if it does.
//!
//! Only on Linux with the GNU C library, where the maths library is `libm.so.6`, and not
//! in a static build (`cargo build-static`), which links its functions in.

use std::ffi::{CStr, c_void};
use std::sync::OnceLock;

type Unary = unsafe extern "C" fn(f64) -> f64;
type Binary = unsafe extern "C" fn(f64, f64) -> f64;

/// The system library's functions.
struct Libm {
    sin: Unary,
    cos: Unary,
    asin: Unary,
    pow: Binary,
}

const LIBRARY: &CStr = c"libm.so.6";

fn libm() -> &'static Libm {
    static LIBM: OnceLock<Libm> = OnceLock::new();
    LIBM.get_or_init(|| {
        let handle = open(LIBRARY);
        // SAFETY: each symbol is the C library function of that name, whose type is the
        // one given; looking it up in `handle` finds the maths library's own, never the
        // forwarder of the same name below, which is not in that library's scope.
        unsafe {
            Libm {
                sin: std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"sin")),
                cos: std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"cos")),
                asin: std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"asin")),
                pow: std::mem::transmute::<*mut c_void, Binary>(symbol(handle, c"pow")),
            }
        }
    })
}

/// The library, opened; a system without it ends the process with a message.
fn open(name: &CStr) -> *mut c_void {
    // SAFETY: the name is a valid C string. Opening a system library runs only its own
    // initialisers.
    let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW) };
    if handle.is_null() {
        fail(&format!(
            "cannot open the system's maths library: {}",
            last_error()
        ));
    }
    handle
}

/// # Safety
/// `handle` is an open library.
unsafe fn symbol(handle: *mut c_void, name: &CStr) -> *mut c_void {
    // SAFETY: `handle` is open (the caller's promise) and `name` a valid C string.
    let f = unsafe { libc::dlsym(handle, name.as_ptr()) };
    if f.is_null() {
        fail(&format!(
            "the system's maths library ({}) has no {}: {}",
            LIBRARY.to_string_lossy(),
            name.to_string_lossy(),
            last_error()
        ));
    }
    f
}

/// What the dynamic loader says of its last failure.
fn last_error() -> String {
    // SAFETY: `dlerror` returns null or a C string valid until the next call.
    let error = unsafe { libc::dlerror() };
    if error.is_null() {
        return "no reason given".to_string();
    }
    // SAFETY: not null, so a valid C string.
    unsafe { CStr::from_ptr(error) }
        .to_string_lossy()
        .into_owned()
}

/// Nothing sensible to compute without the library, and these functions can neither
/// return an error nor unwind.
fn fail(why: &str) -> ! {
    runback::stdio::message(&format!("runback: error: {why}"));
    std::process::abort()
}

/// The sine of `x` (radians).
#[unsafe(no_mangle)]
pub extern "C" fn sin(x: f64) -> f64 {
    // SAFETY: the maths library's `sin` takes any number.
    unsafe { (libm().sin)(x) }
}

/// The cosine of `x` (radians).
#[unsafe(no_mangle)]
pub extern "C" fn cos(x: f64) -> f64 {
    // SAFETY: the maths library's `cos` takes any number.
    unsafe { (libm().cos)(x) }
}

/// The arc sine of `x`, in radians.
#[unsafe(no_mangle)]
pub extern "C" fn asin(x: f64) -> f64 {
    // SAFETY: the maths library's `asin` takes any number.
    unsafe { (libm().asin)(x) }
}

/// `x` to the power `y`.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    // SAFETY: the maths library's `pow` takes any two numbers.
    unsafe { (libm().pow)(x, y) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rust's own methods, which call these functions by name, give what the library gives
    /// when asked directly, to the last bit, and each forwards to its own namesake (a
    /// sine given for a cosine would differ on every number here).
    #[test]
    fn each_function_gives_what_the_maths_library_gives() {
        let handle = open(LIBRARY);
        // SAFETY: as in `libm`.
        let (sin_of, cos_of, asin_of, pow_of) = unsafe {
            (
                std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"sin")),
                std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"cos")),
                std::mem::transmute::<*mut c_void, Unary>(symbol(handle, c"asin")),
                std::mem::transmute::<*mut c_void, Binary>(symbol(handle, c"pow")),
            )
        };
        for step in 0..33 {
            let x = std::hint::black_box(0.013 + 0.0917 * f64::from(step));
            let y = x / 3.0;
            // SAFETY: the library's functions take any numbers.
            let want = unsafe { [sin_of(x), cos_of(x), asin_of(y), pow_of(0.1, x)] };
            let got = [x.sin(), x.cos(), y.asin(), 0.1f64.powf(x)];
            for (got, want) in got.iter().zip(want) {
                assert_eq!(got.to_bits(), want.to_bits(), "{x}: {got} against {want}");
            }
        }
    }
}

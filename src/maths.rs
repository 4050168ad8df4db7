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
//! Only on Linux with the GNU C library, where the maths library is `libm.so.6`, and not
//! in a static build (`cargo build-static`), which has the maths library inside it.

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

fn libm() -> &'static Libm {
    static LIBM: OnceLock<Libm> = OnceLock::new();
    LIBM.get_or_init(|| {
        // SAFETY: the name is a valid C string. Opening a system library runs only its
        // own initialisers, and `libm.so.6` has none that touch this program.
        let handle = unsafe { libc::dlopen(c"libm.so.6".as_ptr(), libc::RTLD_NOW) };
        if handle.is_null() {
            missing(c"libm.so.6");
        }
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

/// # Safety
/// `handle` is an open library.
unsafe fn symbol(handle: *mut c_void, name: &CStr) -> *mut c_void {
    // SAFETY: `handle` is open (the caller's promise) and `name` a valid C string.
    let f = unsafe { libc::dlsym(handle, name.as_ptr()) };
    if f.is_null() {
        missing(name);
    }
    f
}

/// A system without its maths library: nothing sensible to compute, and these functions
/// cannot return an error or unwind.
fn missing(what: &CStr) -> ! {
    crate::stdio::message(&format!(
        "runback: error: the system's maths library (libm.so.6) has no {}",
        what.to_string_lossy()
    ));
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
    /// What the system library gives, to the last bit (Python's `math`, which calls it,
    /// printed these): all but one are where the `libm` crate, a maths library written in
    /// Rust, gives the next number up or down.
    #[test]
    fn the_forwarders_give_the_maths_library_s_results() {
        let cases: [(f64, f64); 6] = [
            (super::sin(-2.292), -0.7510115010520642),
            (super::sin(0.5), 0.479425538604203),
            (super::cos(2.485), -0.7920767430553187),
            (super::asin(0.882), 1.0800895270745514),
            (super::asin(0.96), 1.2870022175865687),
            (super::pow(0.1, 8.614), 2.4322040090738123e-9),
        ];
        for (got, want) in cases {
            assert_eq!(got.to_bits(), want.to_bits(), "{got} against {want}");
        }
        assert!(super::asin(2.0).is_nan());
    }
}

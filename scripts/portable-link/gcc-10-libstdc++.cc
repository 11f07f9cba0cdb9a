// The release binary links GCC 10's static libstdc++ (Debian 11's, whose glibc needs are old enough; GCC 12's
// asks for glibc 2.32 and 2.36 symbols). The Swift runtime was compiled against a newer libstdc++ whose
// headers call std::__throw_bad_array_new_length(), added in GCC 11: this is its definition there.
#include <new>

namespace std {
[[noreturn]] void __throw_bad_array_new_length() { throw bad_array_new_length(); }
}  // namespace std

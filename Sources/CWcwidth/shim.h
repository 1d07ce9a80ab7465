// glibc declares wcwidth only under _XOPEN_SOURCE, which Swift's Glibc module is built
// without; the function itself is in every libc.
#include <stddef.h>
int wcwidth(wchar_t c);

/* ProcessPrng, which Rust's standard library (1.78 and later) takes from
 * bcryptprimitives.dll on Windows and Wine 8 (Debian 12) lacks: built
 * with mingw-w64 into the Wine prefix by .ci/windows. RtlGenRandom
 * (SystemFunction036, advapi32) gives the same random bytes. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}

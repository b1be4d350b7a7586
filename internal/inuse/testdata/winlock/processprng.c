/*
 * bcryptprimitives.dll for Wine 8, test machines only.
 *
 * Go 1.24 and later get their randomness from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10+ has and Wine 8 lacks, so a Go
 * test binary dies at start-up under Wine 8. This DLL supplies ProcessPrng
 * on top of RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * run-wine-tests.sh builds it into the Wine prefix; it never ships.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll processprng.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reason;
    (void)reserved;
    return TRUE;
}

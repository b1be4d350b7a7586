/*
 * holdlock: hold a file open the way Java does on Windows, for the in-use
 * tests of the command.
 *
 *   holdlock.exe FILE lock     open FILE with shared read/write (like
 *                              RandomAccessFile) and hold an exclusive
 *                              LockFileEx lock over [0, 2^63-1), exactly the
 *                              range of Java's FileChannel.lock(), as an open
 *                              H2 MVStore does
 *   holdlock.exe FILE open     only hold it open, no lock: how the JDK's
 *                              RandomAccessFile "rw" opens a file, and so how
 *                              Derby holds db.lck while a database is booted
 *
 * It prints READY when the file is held, then waits until stdin closes (so
 * it never outlives the test) and exits.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -municode -o holdlock.exe holdlock.c
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: holdlock FILE lock|open\n");
        return 2;
    }
    HANDLE h = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "holdlock: CreateFile failed: %lu\n", GetLastError());
        return 1;
    }
    if (wcscmp(argv[2], L"lock") == 0) {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        /* Java: LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, low, high, &ov)
           with position 0 and size Long.MAX_VALUE */
        if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0,
                        0xFFFFFFFF, 0x7FFFFFFF, &ov)) {
            fprintf(stderr, "holdlock: LockFileEx failed: %lu\n", GetLastError());
            return 1;
        }
    } else if (wcscmp(argv[2], L"open") != 0) {
        fprintf(stderr, "holdlock: unknown mode\n");
        return 2;
    }
    printf("READY\n");
    fflush(stdout);
    char buf[64];
    DWORD n;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    while (ReadFile(in, buf, sizeof buf, &n, NULL) && n > 0) {
    }
    CloseHandle(h);
    return 0;
}

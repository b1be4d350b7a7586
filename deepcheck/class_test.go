package deepcheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// javacFlags are the Makefile's DEEPCHECK_JAVAC_FLAGS.
var javacFlags = []string{"--release", "8", "-Xlint:all", "-Xlint:-options", "-Werror", "-encoding", "UTF-8", "-g"}

// The embedded class is its source compiled: a change to the source
// without make deepcheck-class fails here.
//
// javac writes the same bytes for the same source and flags (checked
// below by compiling twice), so the bytes are compared. Another JDK's
// javac may lay the class file out differently for the same code; then
// the disassembly (javap -c -p: every method's bytecode, every constant
// it uses) is compared instead, which still catches any change to the
// source's code.
func TestEmbeddedClassMatchesSource(t *testing.T) {
	javac, err := exec.LookPath("javac")
	if err != nil {
		requireDerby(t, "no javac (a JDK) to compile the check program with")
	}
	compile := func() []byte {
		dir := t.TempDir()
		out, err := exec.Command(javac, append(javacFlags, "-d", dir, filepath.Join("java", className+".java"))...).CombinedOutput()
		if err != nil {
			t.Fatalf("javac: %v\n%s", err, out)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 1 || ents[0].Name() != className+".class" {
			t.Fatalf("javac wrote %v: the program must stay one class (no nested or anonymous classes), so that one file is embedded", ents)
		}
		b, err := os.ReadFile(filepath.Join(dir, className+".class"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := compile(), compile()
	if !bytes.Equal(a, b) {
		t.Fatalf("javac is not deterministic here: two compilations differ")
	}
	// Major version 52 is Java 8.
	if len(a) < 8 || a[7] != 52 || len(classFile) < 8 || classFile[7] != 52 {
		t.Fatalf("class file major version %d (embedded %d), want 52 (Java 8)", a[7], classFile[7])
	}
	if bytes.Equal(a, classFile) {
		return
	}
	javap, err := exec.LookPath("javap")
	if err != nil {
		t.Fatalf("the embedded class differs from its source's compilation: run make deepcheck-class")
	}
	disasm := func(class []byte) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, className+".class"), class, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(javap, "-c", "-p", "-constants", "-cp", dir, className).CombinedOutput()
		if err != nil {
			t.Fatalf("javap: %v\n%s", err, out)
		}
		return string(out)
	}
	if da, de := disasm(a), disasm(classFile); da != de {
		t.Fatalf("the embedded class differs from its source's compilation: run make deepcheck-class\n%s", firstDiff(da, de))
	}
	t.Logf("this javac lays the class file out differently, but the code is the same (javap -c -p)")
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "compiled: " + la[i] + "\nembedded: " + lb[i]
		}
	}
	return "the disassemblies differ in length"
}

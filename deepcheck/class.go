package deepcheck

import _ "embed"

// className is the Java program's class, in the default package so that
// it runs from a folder on the classpath with no further layout.
const className = "EfbackupDeepCheck"

// classFile is java/EfbackupDeepCheck.java compiled with javac --release 8
// (make deepcheck-class). TestEmbeddedClassMatchesSource keeps the two in
// step.
//
//go:embed java/EfbackupDeepCheck.class
var classFile []byte

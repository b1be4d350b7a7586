package crypt

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// sheetText is one language's wording of the recovery sheet.
type sheetText struct {
	title, intro, never                              string
	printed, created, publicKey, file                string
	secret, secretNote                               string
	withEfbackup, withEfbackupNote, byHand, handNote string
}

var sheetTexts = map[string]sheetText{
	"en": {
		title: "EFBACKUP RECOVERY SHEET",
		intro: "This sheet holds the secret key that opens the encrypted e-Faktur snapshots (files ending in " +
			".tar.zst.age) made for the public key below. Keep it somewhere safe, away from the PC that makes the backups.",
		never: "Without this file or this sheet no snapshot can ever be restored: nobody, neither efbackup's makers " +
			"nor the tax office, can open the snapshots without it.",
		printed:   "Printed:",
		created:   "Key created:",
		publicKey: "Public key:",
		file:      "Identity file:",
		secret:    "Secret key: type it exactly, on one line, into a text file (for example key.txt):",
		secretNote: "It is 74 characters: AGE-SECRET-KEY-1 and 58 more, letters and digits only. Letter O, " +
			"digit 1 and letters B, I are never used after the first 1, so what looks like them is 0, L or 8.",
		withEfbackup:     "To restore with efbackup:",
		withEfbackupNote: "SNAPSHOT is the .tar.zst.age file, DIR the e-Faktur folder, FILE the key file.",
		byHand:           "To restore without efbackup, with the age, tar and sha256sum commands (on any computer):",
		handNote: "NAME.tar.zst.age is the snapshot. Every line sha256sum prints must end in OK. Then, with " +
			"e-Faktur closed, rename the install's db folder and put the extracted db folder in its place.",
	},
	"id": {
		title: "LEMBAR PEMULIHAN EFBACKUP",
		intro: "Lembar ini memuat kunci rahasia untuk membuka snapshot e-Faktur terenkripsi (file berakhiran " +
			".tar.zst.age) yang dibuat untuk kunci publik di bawah. Simpan di tempat aman, jauh dari PC yang membuat cadangan.",
		never: "Tanpa file ini atau lembar ini, snapshot tidak akan pernah bisa dipulihkan: tidak seorang pun, " +
			"baik pembuat efbackup maupun kantor pajak, dapat membuka snapshot tanpanya.",
		printed:   "Dicetak:",
		created:   "Kunci dibuat:",
		publicKey: "Kunci publik:",
		file:      "File identitas:",
		secret:    "Kunci rahasia: ketik persis, dalam satu baris, ke sebuah file teks (misalnya key.txt):",
		secretNote: "Panjangnya 74 karakter: AGE-SECRET-KEY-1 dan 58 karakter lagi, hanya huruf dan angka. Huruf O, " +
			"angka 1 serta huruf B dan I tidak pernah dipakai setelah angka 1 yang pertama; yang tampak seperti itu adalah 0, L atau 8.",
		withEfbackup:     "Memulihkan dengan efbackup:",
		withEfbackupNote: "SNAPSHOT adalah file .tar.zst.age, DIR folder e-Faktur, FILE file kunci.",
		byHand:           "Memulihkan tanpa efbackup, dengan perintah age, tar dan sha256sum (di komputer mana pun):",
		handNote: "NAME.tar.zst.age adalah snapshot-nya. Setiap baris keluaran sha256sum harus diakhiri OK. Lalu, " +
			"dengan e-Faktur tertutup, ganti nama folder db instalasi dan letakkan folder db hasil ekstrak di tempatnya.",
	},
}

// RecoverySheet returns a printable page for the identity in identityFile
// (which must hold exactly one): the secret key as text, the dates, the
// public key, how to restore with efbackup and by hand, and the warning
// that without the file or the sheet no snapshot can be restored. It is
// bilingual: lang "id" puts Indonesian first, "en" English. The page holds
// the secret key: the caller writes it only where the user asked.
func RecoverySheet(identityFile string, now time.Time, lang string) (string, error) {
	var order []string
	switch lang {
	case "id":
		order = []string{"id", "en"}
	case "en":
		order = []string{"en", "id"}
	default:
		return "", fmt.Errorf("recovery sheet: unknown language %q (id or en)", lang)
	}
	entries, data, err := readIdentities(identityFile)
	if err != nil {
		return "", err
	}
	if len(entries) != 1 {
		return "", &IdentityFileError{File: identityFile, Reason: fmt.Sprintf("holds %d secret keys; a recovery sheet is made for a file with one", len(entries))}
	}
	e := entries[0]
	created := "-"
	for _, l := range strings.Split(string(data), "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(l), "# created:"); ok {
			created = strings.TrimSpace(c)
			break
		}
	}
	var b strings.Builder
	for i, lang := range order {
		t := sheetTexts[lang]
		if i > 0 {
			b.WriteString("\n" + strings.Repeat("-", 78) + "\n\n")
		}
		b.WriteString(t.title + "\n" + strings.Repeat("=", len(t.title)) + "\n\n")
		b.WriteString(wrap(t.intro, 78) + "\n\n")
		b.WriteString(wrap(t.never, 78) + "\n\n")
		w := 0
		for _, l := range []string{t.printed, t.created, t.publicKey, t.file} {
			w = max(w, len(l))
		}
		fmt.Fprintf(&b, "%-*s %s\n", w, t.printed, now.UTC().Format("2006-01-02 15:04 UTC"))
		fmt.Fprintf(&b, "%-*s %s\n", w, t.created, created)
		fmt.Fprintf(&b, "%-*s %s\n", w, t.publicKey, e.id.Recipient().String())
		fmt.Fprintf(&b, "%-*s %s\n\n", w, t.file, filepath.Base(identityFile))
		b.WriteString(wrap(t.secret, 78) + "\n\n")
		b.WriteString("    " + e.secret + "\n\n")
		b.WriteString(wrap(t.secretNote, 78) + "\n\n")
		b.WriteString(wrap(t.withEfbackup, 78) + "\n\n")
		b.WriteString("    efbackup restore SNAPSHOT --install DIR --identity FILE\n\n")
		b.WriteString(wrap(t.withEfbackupNote, 78) + "\n\n")
		b.WriteString(wrap(t.byHand, 78) + "\n\n")
		b.WriteString("    age -d -i key.txt NAME.tar.zst.age | tar --zstd -xf -\n")
		b.WriteString("    sha256sum -c SHA256SUMS\n\n")
		b.WriteString(wrap(t.handNote, 78) + "\n")
	}
	return b.String(), nil
}

// wrap breaks text into lines of at most width columns, at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		n := len([]rune(w))
		if col > 0 && col+1+n > width {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}

package i18n

// What package crypt finds wrong with an encrypted file (crypt.DamageError):
// the detail, and where in the file it was found. Kept as keys until shown.
func init() {
	for k, v := range map[string]msg{
		"crypt.detail.headertoolong": {
			"the age header is longer than %d bytes",
			"header age lebih panjang dari %d byte",
		},
		"crypt.detail.closingline": {
			"the closing line of the age header is malformed (it must hold a 32-byte MAC in canonical base64)",
			"baris penutup header age tidak sesuai format (harus berisi MAC 32 byte dalam base64 kanonik)",
		},
		"crypt.detail.toomanystanzas": {
			"the age header holds more than %d recipient stanzas",
			"header age berisi lebih dari %d stanza penerima",
		},
		"crypt.detail.nostanza": {
			"the age header holds no recipient stanza",
			"header age tidak berisi satu pun stanza penerima",
		},
		"crypt.detail.mixedpassphrase": {
			"the age header mixes a passphrase stanza with other stanzas, which age never writes",
			"header age mencampur stanza frasa sandi dengan stanza lain, hal yang tidak pernah ditulis age",
		},
		"crypt.detail.empty": {
			"the file is empty",
			"file kosong",
		},
		"crypt.detail.firstlinecut": {
			"the file ends inside the first line of its age header",
			"file berakhir di tengah baris pertama header age-nya",
		},
		"crypt.detail.crlf": {
			"the age header has Windows line endings (CR LF): a text tool changed the file",
			"header age memakai akhir baris Windows (CR LF): sebuah aplikasi teks telah mengubah file ini",
		},
		"crypt.detail.otherversion": {
			"the file is a version of age efbackup does not read (it does not start with %q)",
			"file ini versi age yang tidak dapat dibaca efbackup (tidak diawali %q)",
		},
		"crypt.detail.armored": {
			"the file is ASCII-armored age (age -a); efbackup reads binary age files",
			"file ini age dalam bentuk teks ASCII (armor, age -a); efbackup membaca file age biner",
		},
		"crypt.detail.zstd": {
			"the file is zstd-compressed, not encrypted: an unencrypted snapshot?",
			"file ini dikompresi zstd, bukan dienkripsi: snapshot tanpa enkripsi?",
		},
		"crypt.detail.identity": {
			"the file is an age identity (a secret key), not an encrypted file",
			"file ini identitas age (kunci rahasia), bukan file terenkripsi",
		},
		"crypt.detail.notage": {
			"the file is not encrypted with age: it does not start with %q",
			"file ini tidak dienkripsi dengan age: tidak diawali %q",
		},
		"crypt.detail.headercut": {
			"the file ends inside its age header",
			"file berakhir di tengah header age-nya",
		},
		"crypt.detail.notstanza": {
			"the age header holds a line that is neither a stanza (\"-> \") nor the closing line (\"---\")",
			"header age berisi baris yang bukan stanza (\"-> \") dan bukan baris penutup (\"---\")",
		},
		"crypt.detail.stanzaline": {
			"a stanza line of the age header is malformed (empty field, or a character outside printable ASCII)",
			"sebuah baris stanza di header age tidak sesuai format (ada kolom kosong, atau karakter di luar ASCII yang dapat dicetak)",
		},
		"crypt.detail.stanzaargs": {
			"a stanza of the age header has more than %d arguments",
			"sebuah stanza di header age memiliki lebih dari %d argumen",
		},
		"crypt.detail.bodywide": {
			"a stanza body line of the age header is longer than %d columns",
			"sebuah baris isi stanza di header age lebih panjang dari %d kolom",
		},
		"crypt.detail.bodybase64": {
			"a stanza body line of the age header is not canonical base64",
			"sebuah baris isi stanza di header age bukan base64 kanonik",
		},
		"crypt.detail.bodylarge": {
			"a stanza body of the age header is larger than %d bytes",
			"isi sebuah stanza di header age lebih besar dari %d byte",
		},
		"crypt.detail.x25519": {
			"an X25519 stanza of the age header is malformed",
			"sebuah stanza X25519 di header age tidak sesuai format",
		},
		"crypt.detail.x25519share": {
			"an X25519 stanza of the age header has a malformed ephemeral share",
			"sebuah stanza X25519 di header age memiliki kunci sementara (ephemeral share) yang tidak sesuai format",
		},
		"crypt.detail.scrypt": {
			"the passphrase stanza of the age header is malformed",
			"stanza frasa sandi di header age tidak sesuai format",
		},
		"crypt.detail.scryptsalt": {
			"the passphrase stanza of the age header has a malformed salt",
			"stanza frasa sandi di header age memiliki salt yang tidak sesuai format",
		},
		"crypt.detail.scryptworkfactor": {
			"the passphrase stanza of the age header has a malformed work factor",
			"stanza frasa sandi di header age memiliki faktor kerja (work factor) yang tidak sesuai format",
		},
		"crypt.detail.toocostly": {
			"the passphrase stanza asks for scrypt work factor %s; efbackup does at most %d (2^%d needs %s of memory)",
			"stanza frasa sandi meminta faktor kerja scrypt %s; efbackup paling tinggi memakai %d (2^%d memerlukan memori %s)",
		},
		"crypt.detail.nopayload": {
			"the file ends right after its age header, before its payload",
			"file berakhir tepat setelah header age-nya, sebelum isi terenkripsinya",
		},
		"crypt.detail.nopayloadnonce": {
			"the file ends right after its age header and nonce: the payload is missing",
			"file berakhir tepat setelah header age dan nonce-nya: isi terenkripsinya tidak ada",
		},
		"crypt.detail.lastchunklength": {
			"the file ends inside its last chunk: no age file has this length",
			"file berakhir di tengah chunk terakhirnya: tidak ada file age yang sepanjang ini",
		},
		"crypt.detail.macchanged": {
			"the age header was changed: its MAC does not match",
			"header age telah diubah: MAC-nya tidak cocok",
		},
		"crypt.detail.stanzaunwrap": {
			"a recipient stanza of the age header is malformed: %v",
			"sebuah stanza penerima di header age tidak sesuai format: %v",
		},
		"crypt.detail.stanzagone": {
			"the age header was changed: the file was encrypted to %s, but no stanza opens with that key any more",
			"header age telah diubah: file dienkripsi untuk %s, tetapi tidak ada lagi stanza yang terbuka dengan kunci itu",
		},
		"crypt.detail.longer": {
			"the file is %d bytes longer than when it was written: bytes were added after its end",
			"file %d byte lebih panjang daripada saat ditulis: ada byte yang ditambahkan setelah akhirnya",
		},
		"crypt.detail.lastmissing": {
			"the file ends at a chunk boundary after chunk %d: its last chunk is missing",
			"file berakhir di batas chunk setelah chunk %d: chunk terakhirnya hilang",
		},
		"crypt.detail.lastchanged": {
			"the last chunk (%d) fails authentication: it was changed",
			"chunk terakhir (%d) gagal autentikasi: chunk itu telah diubah",
		},
		"crypt.detail.appended": {
			"bytes were added after the last chunk (%d) of the encrypted file",
			"ada byte yang ditambahkan setelah chunk terakhir (%d) file terenkripsi",
		},
		"crypt.detail.chunkchanged": {
			"chunk %d fails authentication: it was changed",
			"chunk %d gagal autentikasi: chunk itu telah diubah",
		},
		"crypt.detail.inchunk": {
			"the file ends inside chunk %d",
			"file berakhir di tengah chunk %d",
		},
		"crypt.detail.emptylast": {
			"the last chunk (%d) is empty, which age never writes",
			"chunk terakhir (%d) kosong, hal yang tidak pernah ditulis age",
		},
		"crypt.detail.early": {
			"the file ends %d bytes early, inside chunk %d",
			"file berakhir %d byte lebih awal, di tengah chunk %d",
		},
		"crypt.detail.lastcut": {
			"the last chunk (%d) fails authentication: the file was cut short inside it, or its end was changed or added to",
			"chunk terakhir (%d) gagal autentikasi: file terpotong di dalamnya, atau bagian akhirnya diubah atau ditambah",
		},
		// A line of the header longer than efbackup reads.
		"crypt.detail.firstlinelong": {
			"a first line of the age header runs past %d bytes",
			"baris pertama header age melebihi %d byte",
		},
		"crypt.detail.linelong": {
			"a line of the age header runs past %d bytes",
			"sebuah baris header age melebihi %d byte",
		},
		"crypt.detail.bodylinelong": {
			"a stanza body line of the age header runs past %d bytes",
			"sebuah baris isi stanza di header age melebihi %d byte",
		},

		// Where the damage was found, after the detail (DamageError.Words).
		"crypt.detail.inchunkatbyte": {"%s (chunk %d, at byte %d)", "%s (chunk %d, pada byte %d)"},
		"crypt.detail.atbyte":        {"%s (at byte %d)", "%s (pada byte %d)"},

		// The damage as a problem of a snapshot: age, the kind of damage
		// (a stable code: truncated, chunk-changed, ...) and what was found.
		"crypt.detail.problem": {"age %s: %s", "age %s: %s"},
	} {
		messages[k] = v
	}
}

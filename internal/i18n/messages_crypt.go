package i18n

// Messages of encrypted snapshots: the key command, the encryption and key
// flags, what a missing or wrong key is told, and how encrypted snapshots
// are reported.
func init() {
	for k, v := range map[string]msg{
		// Flags.
		"flag.encryptto": {
			"encrypt the snapshot to this age public key (age1...); may be repeated: the identity of any one of the keys opens it",
			"enkripsi snapshot untuk kunci publik age ini (age1...); boleh diulang: identitas dari salah satu kunci dapat membukanya",
		},
		"flag.encrypttofile": {
			"encrypt to the age public keys in FILE, one a line ('#' starts a comment); may be repeated",
			"enkripsi untuk kunci publik age dalam FILE, satu per baris ('#' memulai komentar); boleh diulang",
		},
		"flag.passphrasefile": {
			"encrypt with the passphrase in FILE (the file holds it alone, on one line) instead of keys; EFBACKUP_PASSPHRASE works too. age allows one passphrase per file, never beside a key",
			"enkripsi dengan frasa sandi dalam FILE (file hanya berisi frasa sandi itu, satu baris) sebagai ganti kunci; EFBACKUP_PASSPHRASE juga bisa. age hanya mengizinkan satu frasa sandi per file, tidak pernah bersama kunci",
		},
		"flag.identity": {
			"age identity file (the secret key, from efbackup key new or age-keygen) that opens encrypted snapshots; may be repeated",
			"file identitas age (kunci rahasia, dari efbackup key new atau age-keygen) untuk membuka snapshot terenkripsi; boleh diulang",
		},
		"flag.passphrasefileread": {
			"file holding the passphrase of a passphrase-protected snapshot, alone on one line (or set EFBACKUP_PASSPHRASE)",
			"file berisi frasa sandi snapshot yang dilindungi frasa sandi, sendirian dalam satu baris (atau atur EFBACKUP_PASSPHRASE)",
		},
		"flag.scheduleencryptto": {
			"encrypt every scheduled snapshot to this age public key (age1...); may be repeated. The task stores public keys only",
			"enkripsi setiap snapshot terjadwal untuk kunci publik age ini (age1...); boleh diulang. Tugas hanya menyimpan kunci publik",
		},
		"flag.scheduleencrypttofile": {
			"read the public keys from FILE now (one a line); the task stores the keys, not the file name",
			"baca kunci publik dari FILE sekarang (satu per baris); tugas menyimpan kuncinya, bukan nama file",
		},
		"flag.schedulepassphrase": {
			"refused: a scheduled run never uses a passphrase, which would have to be stored on this PC",
			"ditolak: proses terjadwal tidak pernah memakai frasa sandi, yang harus disimpan di PC ini",
		},
		"flag.keyout": {
			"with new: where to write the new identity file (readable by you only; never overwritten); with sheet: where to write the sheet",
			"dengan new: tempat menulis file identitas baru (hanya bisa dibaca oleh Anda; tidak pernah ditimpa); dengan sheet: tempat menulis lembar pemulihan",
		},
		"flag.keysheet": {
			"with new: also write the printable recovery sheet to FILE (it holds the secret key: print it, then delete the file)",
			"dengan new: tulis juga lembar pemulihan yang bisa dicetak ke FILE (berisi kunci rahasia: cetak, lalu hapus filenya)",
		},
		"migrate.flag.encryptto": {
			"encrypt the safety snapshots to this age public key (age1...); may be repeated",
			"enkripsi snapshot pengaman untuk kunci publik age ini (age1...); boleh diulang",
		},
		"migrate.flag.identity": {
			"identity file that reads the encrypted safety snapshots back in full; without --encrypt-to they are encrypted to its key",
			"file identitas untuk membaca ulang snapshot pengaman terenkripsi secara penuh; tanpa --encrypt-to snapshot dienkripsi untuk kuncinya",
		},

		// The key command.
		"key.usage": {
			"make an age key for encrypted snapshots, show its public key, print its recovery sheet",
			"buat kunci age untuk snapshot terenkripsi, tampilkan kunci publiknya, cetak lembar pemulihannya",
		},
		"key.description": {
			"efbackup key new --out FILE writes an identity: a secret key, in a file only you can read, and prints its\n" +
				"public key (age1...). Snapshots are encrypted to the public key (snapshot --encrypt-to); only the identity\n" +
				"opens them. Keep the identity away from the PC that makes the backups (a USB drive in a drawer, a printed\n" +
				"recovery sheet in a safe): without it, or its sheet, no snapshot encrypted to its key can ever be restored.\n" +
				"efbackup key public FILE prints an identity's public key; efbackup key sheet FILE --out SHEET writes its\n" +
				"recovery sheet.",
			"efbackup key new --out FILE menulis identitas: kunci rahasia, dalam file yang hanya bisa Anda baca, lalu\n" +
				"mencetak kunci publiknya (age1...). Snapshot dienkripsi untuk kunci publik itu (snapshot --encrypt-to); hanya\n" +
				"identitas yang dapat membukanya. Simpan identitas jauh dari PC yang membuat cadangan (USB di laci, lembar\n" +
				"pemulihan tercetak di brankas): tanpa identitas atau lembarnya, snapshot yang dienkripsi untuk kuncinya\n" +
				"tidak akan pernah bisa dipulihkan. efbackup key public FILE mencetak kunci publik identitas; efbackup key\n" +
				"sheet FILE --out LEMBAR menulis lembar pemulihannya.",
		},
		"key.new.done":   {"identity written: %s (readable by you only)", "identitas ditulis: %s (hanya bisa dibaca oleh Anda)"},
		"key.new.public": {"public key: %s", "kunci publik: %s"},
		"key.new.warning": {
			"KEEP THIS FILE SAFE, AWAY FROM THIS PC: without %s, or its printed recovery sheet, no snapshot encrypted to this key can ever be restored. Nobody, not efbackup's makers, not the tax office, can open them without it.",
			"SIMPAN FILE INI DENGAN AMAN, JAUH DARI PC INI: tanpa %s, atau lembar pemulihannya yang tercetak, snapshot yang dienkripsi untuk kunci ini tidak akan pernah bisa dipulihkan. Tidak seorang pun, baik pembuat efbackup maupun kantor pajak, dapat membukanya tanpa file itu.",
		},
		"key.new.next": {
			"encrypt snapshots to it: efbackup snapshot --install DIR --encrypt-to %s",
			"enkripsi snapshot untuknya: efbackup snapshot --install DIR --encrypt-to %s",
		},
		"key.sheet.done": {
			"recovery sheet written: %s (it holds the secret key: print it, keep the paper safe, then delete the file)",
			"lembar pemulihan ditulis: %s (berisi kunci rahasia: cetak, simpan kertasnya dengan aman, lalu hapus filenya)",
		},
		"err.keysub": {
			"unknown key command %q: use new, public or sheet",
			"perintah key %q tidak dikenal: gunakan new, public atau sheet",
		},
		"err.keyneedout": {
			"efbackup key %s needs --out FILE",
			"efbackup key %s memerlukan --out FILE",
		},
		"err.keyneedfile": {
			"efbackup key %s needs the identity file: efbackup key %s FILE",
			"efbackup key %s memerlukan file identitas: efbackup key %s FILE",
		},
		"err.keyexists": {
			"%s already exists: efbackup never overwrites it, since snapshots may need what it holds",
			"%s sudah ada: efbackup tidak pernah menimpanya, karena snapshot mungkin memerlukan isinya",
		},
		"hint.keyexists": {
			"choose another file name",
			"pilih nama file lain",
		},

		// Keys and passphrases given on the command line.
		"err.recipient": {
			"%s cannot be encrypted to: %s",
			"tidak dapat mengenkripsi untuk %s: %s",
		},
		"hint.recipient": {
			"give an age public key (age1..., 62 characters), as efbackup key new or efbackup key public FILE prints it",
			"berikan kunci publik age (age1..., 62 karakter), seperti yang dicetak efbackup key new atau efbackup key public FILE",
		},
		"err.recipientsecret": {
			"a secret key (AGE-SECRET-KEY-...) was given where a public key belongs",
			"kunci rahasia (AGE-SECRET-KEY-...) diberikan di tempat kunci publik",
		},
		"hint.recipientsecret": {
			"the secret key must never be on the PC that makes backups: give its public key (age1...), which efbackup key public FILE shows",
			"kunci rahasia tidak boleh ada di PC yang membuat cadangan: berikan kunci publiknya (age1...), yang ditampilkan efbackup key public FILE",
		},
		"err.recipientsfile": {
			"the public keys in %s cannot be used: %v",
			"kunci publik dalam %s tidak dapat dipakai: %v",
		},
		"err.passphrasemixed": {
			"a snapshot is encrypted either with one passphrase or to public keys, never both: age allows one passphrase per file, and never beside a key",
			"snapshot dienkripsi dengan satu frasa sandi atau untuk kunci publik, tidak pernah keduanya: age hanya mengizinkan satu frasa sandi per file, dan tidak pernah bersama kunci",
		},
		"err.passphrasefile": {
			"the passphrase file %s cannot be used: %v",
			"file frasa sandi %s tidak dapat dipakai: %v",
		},
		"hint.passphrasefile": {
			"the file must hold the passphrase alone, on one line",
			"file harus berisi frasa sandi saja, dalam satu baris",
		},
		"err.identityfile": {
			"%s cannot be used as an identity: %s",
			"%s tidak dapat dipakai sebagai identitas: %s",
		},
		"err.identitymissing": {
			"the identity file %s cannot be read: %v",
			"file identitas %s tidak dapat dibaca: %v",
		},
		"hint.identitymissing": {
			"check the path: the identity is often on a USB drive (plug it in), or type it into a file from its printed recovery sheet",
			"periksa path-nya: identitas sering ada di USB (colokkan), atau ketik ulang ke sebuah file dari lembar pemulihan yang tercetak",
		},
		"err.schedulepassphrase": {
			"a scheduled run cannot encrypt with a passphrase: the passphrase would have to be stored on this PC, where a thief or malware would find it",
			"proses terjadwal tidak dapat mengenkripsi dengan frasa sandi: frasa sandi itu harus disimpan di PC ini, tempat pencuri atau malware akan menemukannya",
		},
		"hint.schedulepassphrase": {
			"make a key on a USB drive (efbackup key new --out E:\\efbackup-key.txt) and give --encrypt-to with the public key it prints",
			"buat kunci di USB (efbackup key new --out E:\\efbackup-key.txt) lalu berikan --encrypt-to dengan kunci publik yang dicetaknya",
		},
		"migrate.err.identitynotrecipient": {
			"none of the identities given opens what the safety snapshots are encrypted to (%s): they could not be read back in full",
			"tidak satu pun identitas yang diberikan dapat membuka kunci tujuan enkripsi snapshot pengaman (%s): snapshot tidak dapat dibaca ulang secara penuh",
		},

		// A missing or wrong key (exit 5).
		"err.key.needidentity": {
			"%s is encrypted to %s, and no identity was given",
			"%s dienkripsi untuk %s, dan tidak ada identitas yang diberikan",
		},
		"err.key.needidentityother": {
			"%s is encrypted to %s, not with a passphrase",
			"%s dienkripsi untuk %s, bukan dengan frasa sandi",
		},
		"err.key.needpassphrase": {
			"%s is protected by a passphrase, and none was given",
			"%s dilindungi frasa sandi, dan tidak ada frasa sandi yang diberikan",
		},
		"err.key.needpassphraseother": {
			"%s is protected by a passphrase, not by a key",
			"%s dilindungi frasa sandi, bukan kunci",
		},
		"err.key.wrongkey": {
			"the identity given (%s) does not open %s; it is encrypted to %s",
			"identitas yang diberikan (%s) tidak dapat membuka %s; file itu dienkripsi untuk %s",
		},
		"err.key.wrongpassphrase": {
			"the passphrase given does not open %s",
			"frasa sandi yang diberikan tidak dapat membuka %s",
		},
		"err.key.nosidecar": {
			"%s is encrypted and its sidecar %s is missing: without the sidecar or the key, only its age header and length can be checked",
			"%s terenkripsi dan sidecar-nya %s hilang: tanpa sidecar atau kunci, hanya header age dan panjangnya yang dapat diperiksa",
		},
		"key.nkeys": {"%d public key(s) not recorded beside it", "%d kunci publik yang tidak tercatat di sampingnya"},
		"hint.key.identity": {
			"give the identity file made for one of these keys: --identity FILE (efbackup key public FILE shows which key a file holds); it may be on a USB drive, or typed into a file from its printed recovery sheet",
			"berikan file identitas yang dibuat untuk salah satu kunci ini: --identity FILE (efbackup key public FILE menunjukkan kunci sebuah file); mungkin ada di USB, atau diketik ulang ke sebuah file dari lembar pemulihan yang tercetak",
		},
		"hint.key.passphrase": {
			"give the passphrase: --passphrase-file FILE, or set EFBACKUP_PASSPHRASE",
			"berikan frasa sandinya: --passphrase-file FILE, atau atur EFBACKUP_PASSPHRASE",
		},
		"hint.key.wrongpassphrase": {
			"check the passphrase: letter case and spaces count, and a passphrase file holds it alone, on one line",
			"periksa frasa sandinya: huruf besar-kecil dan spasi berpengaruh, dan file frasa sandi hanya berisi frasa itu, dalam satu baris",
		},
		"hint.key.check": {
			"give --identity FILE (or the passphrase) to check every byte of it",
			"berikan --identity FILE (atau frasa sandinya) untuk memeriksa setiap byte-nya",
		},

		"err.deepencrypted": {
			"snapshot --deep cannot prove a snapshot encrypted to public keys: the engine reads a decrypted copy, and the identity that opens it is not on this PC",
			"snapshot --deep tidak dapat membuktikan snapshot yang dienkripsi untuk kunci publik: mesin membaca salinan yang didekripsi, dan identitas pembukanya tidak ada di PC ini",
		},
		"doctor.snaps.verified.keyless": {
			"encrypted; checked without the key: every encrypted byte matches its sidecar (restore and verify --identity read what is inside)",
			"terenkripsi; diperiksa tanpa kunci: setiap byte terenkripsi cocok dengan sidecar-nya (restore dan verify --identity membaca isinya)",
		},
		"err.skipunchangedencrypted": {
			"--skip-unchanged cannot be used with encryption: the sidecar of an encrypted snapshot holds no fingerprint of the database to compare with, by design",
			"--skip-unchanged tidak dapat dipakai bersama enkripsi: sidecar snapshot terenkripsi sengaja tidak menyimpan sidik database untuk dibandingkan",
		},
		"runscheduled.nodeepencrypted": {
			"the newest snapshot is encrypted and its key is not on this PC: prove it where the key is, with efbackup verify --deep --identity FILE",
			"snapshot terbaru terenkripsi dan kuncinya tidak ada di PC ini: buktikan di tempat kuncinya berada, dengan efbackup verify --deep --identity FILE",
		},

		// Encrypted snapshots in the commands' output.
		"snapshot.encrypted": {
			"  encrypted to %s: only the identity (or recovery sheet) of one of these keys can restore it",
			"  dienkripsi untuk %s: hanya identitas (atau lembar pemulihan) salah satu kunci ini yang dapat memulihkannya",
		},
		"snapshot.encryptedpassphrase": {
			"  protected by a passphrase: without it the snapshot can never be restored",
			"  dilindungi frasa sandi: tanpa frasa sandi itu snapshot tidak akan pernah bisa dipulihkan",
		},
		"snapshot.passphrasefromenv": {
			"encrypting with the passphrase from EFBACKUP_PASSPHRASE",
			"mengenkripsi dengan frasa sandi dari EFBACKUP_PASSPHRASE",
		},
		"verify.keyless": {
			"OK %s: encrypted; checked without the key: its age header, its length (%s) and its SHA-256 match its sidecar. What is inside was not read: give --identity FILE (or the passphrase) to check every byte",
			"OK %s: terenkripsi; diperiksa tanpa kunci: header age, panjang (%s) dan SHA-256-nya cocok dengan sidecar. Isinya tidak dibaca: berikan --identity FILE (atau frasa sandinya) untuk memeriksa setiap byte",
		},
		"verify.decrypted": {
			"  encrypted; decrypted as it was read, never written to disk",
			"  terenkripsi; didekripsi saat dibaca, tidak pernah ditulis ke disk",
		},
		"restore.decrypted": {
			"  decrypted as it was read: only the restored files were written",
			"  didekripsi saat dibaca: hanya file yang dipulihkan yang ditulis",
		},
		"status.ok-encrypted": {"ok (encrypted, checked without the key)", "ok (terenkripsi, diperiksa tanpa kunci)"},
		"status.key-needed":   {"encrypted, no sidecar: needs the key", "terenkripsi, tanpa sidecar: perlu kunci"},
		"prune.orphan": {
			"removed %s: the sidecar of an encrypted snapshot that is gone",
			"menghapus %s: sidecar dari snapshot terenkripsi yang sudah tidak ada",
		},
		"prune.orphandry": {
			"would remove %s: the sidecar of an encrypted snapshot that is gone",
			"akan menghapus %s: sidecar dari snapshot terenkripsi yang sudah tidak ada",
		},
		"problem.encrypted-header": {"age header damaged or changed", "header age rusak atau diubah"},
		"problem.encrypted-chunk":  {"encrypted data damaged or changed", "data terenkripsi rusak atau diubah"},
	} {
		messages[k] = v
	}
}

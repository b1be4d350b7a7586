package i18n

// Messages of the encryption setup offers: the questions, the key folder
// it refuses, and what it says it did.
func init() {
	for k, v := range map[string]msg{
		"flag.newkey": {
			"make a new key in DIR and encrypt the backups to it: a USB drive kept away from this PC, not the drive of e-Faktur or of the backups; the recovery sheet is written beside it, the schedule holds only the public key",
			"buat kunci baru di DIR dan enkripsi cadangan untuknya: drive USB yang disimpan jauh dari PC ini, bukan drive e-Faktur maupun drive cadangan; lembar pemulihan ditulis di sampingnya, jadwal hanya menyimpan kunci publik",
		},
		"setup.encrypt.explain": {
			"Encryption: only the holder of the key can open the backups, so a lost or stolen backup drive reveals nothing. But without the key (a file on a USB drive, or its printed sheet) no backup can ever be restored, not even by you.",
			"Enkripsi: hanya pemegang kunci yang dapat membuka cadangan, sehingga drive cadangan yang hilang atau dicuri tidak membocorkan apa pun. Tetapi tanpa kunci (file di drive USB, atau lembarnya yang tercetak) cadangan tidak akan pernah bisa dipulihkan, oleh Anda sekalipun.",
		},
		"setup.q.encrypt": {"Encrypt the backups?", "Enkripsi cadangan?"},
		"setup.q.keydir": {
			"Where should the key be kept? A USB drive kept away from this PC, not the drive of e-Faktur or of the backups:",
			"Di mana kunci disimpan? Drive USB yang disimpan jauh dari PC ini, bukan drive e-Faktur maupun drive cadangan:",
		},
		"setup.nokeydrive": {
			"No other USB drive was found. Plug in the USB drive for the key, then type its folder.",
			"Tidak ditemukan drive USB lain. Pasang drive USB untuk kunci, lalu ketik foldernya.",
		},
		"setup.plan.newkey": {
			"The backups are encrypted: a new key and its recovery sheet are written in %s.",
			"Cadangan dienkripsi: kunci baru dan lembar pemulihannya ditulis di %s.",
		},
		"setup.plan.encrypted": {"The backups are encrypted to the public keys given.", "Cadangan dienkripsi untuk kunci publik yang diberikan."},
		"err.keydirmissing": {
			"the folder for the key is not there: %s; nothing was written",
			"folder untuk kunci tidak ada: %s; tidak ada yang ditulis",
		},
		"hint.keydirmissing": {
			"plug in the USB drive that keeps the key and give a folder on it that exists",
			"pasang drive USB tempat kunci disimpan dan berikan folder yang sudah ada di dalamnya",
		},
		"err.keydirnotdir": {"%s is not a folder: give the folder for the key", "%s bukan folder: berikan folder untuk kunci"},
		"err.keysamedrive.install": {
			"the key must not be kept in %s: it is on the same drive as e-Faktur (%s), so the disk that fails or the PC that is stolen takes the key with it; nothing was written",
			"kunci tidak boleh disimpan di %s: folder itu ada di drive yang sama dengan e-Faktur (%s), sehingga disk yang rusak atau PC yang dicuri ikut membawa kuncinya; tidak ada yang ditulis",
		},
		"err.keysamedrive.out": {
			"the key must not be kept in %s: it is on the same drive as the backups (%s), so whoever takes that drive can open them; nothing was written",
			"kunci tidak boleh disimpan di %s: folder itu ada di drive yang sama dengan cadangan (%s), sehingga siapa pun yang membawa drive itu dapat membukanya; tidak ada yang ditulis",
		},
		"hint.keysamedrive": {
			"keep the key on a separate USB drive (put away from this PC) and give a folder on it; print its recovery sheet too",
			"simpan kunci di drive USB tersendiri (disimpan jauh dari PC ini) dan berikan folder di dalamnya; cetak juga lembar pemulihannya",
		},
		"setup.done.verifiedkeyless": {
			"verified without the key: the encrypted file is whole, exactly as written (its header, length and SHA-256 match its sidecar)",
			"terverifikasi tanpa kunci: file terenkripsi utuh, persis seperti saat ditulis (header, panjang dan SHA-256-nya cocok dengan sidecar)",
		},
		"setup.done.encrypted": {
			"encrypted to: %s (the schedule holds these public keys only)",
			"dienkripsi untuk: %s (jadwal hanya menyimpan kunci publik ini)",
		},
		"setup.done.sheet": {
			"recovery sheet: %s (it holds the secret key: print it, keep the paper safe)",
			"lembar pemulihan: %s (berisi kunci rahasia: cetak, simpan kertasnya dengan aman)",
		},
	} {
		messages[k] = v
	}
}

package i18n

// Messages of the backups a clerk can leave alone: the backup drive, the
// tries of a daily schedule, the notifications and setup.
func init() {
	for k, v := range map[string]msg{
		// Flags.
		"flag.createout":  {"make the snapshot folder when it does not exist (otherwise a missing folder means the backup drive is not connected)", "buat folder snapshot bila belum ada (tanpa ini, folder yang tidak ada berarti drive cadangan tidak tersambung)"},
		"flag.driveid":    {"the drive the snapshot folder must be on (KIND:VALUE, recorded by schedule install)", "drive tempat folder snapshot harus berada (JENIS:NILAI, dicatat oleh schedule install)"},
		"flag.notify":     {"web hook: POST each run's JSON result to this URL (healthchecks-style URLs get start, success and /fail pings)", "web hook: kirim (POST) hasil JSON setiap jalan ke URL ini (URL gaya healthchecks mendapat ping start, sukses dan /fail)"},
		"flag.alertafter": {"after this many days without a good snapshot, every try raises the alarm", "setelah sekian hari tanpa snapshot yang baik, setiap percobaan memberi peringatan keras"},
		"flag.anydrive":   {"do not record the drive: any drive at the folder's place will do (two drives used in turn)", "jangan catat drive-nya: drive apa pun di tempat folder itu boleh (dua drive dipakai bergantian)"},
		"flag.newdrive":   {"accept the drive now at the folder's place as the new backup drive", "terima drive yang sekarang ada di tempat folder itu sebagai drive cadangan yang baru"},

		// The backup drive.
		"out.created": {"made the snapshot folder %s", "folder snapshot %s dibuat"},
		"drive.notconnected": {
			"the backup drive is not connected: %s is not there; nothing was written",
			"drive cadangan tidak tersambung: %s tidak ada; tidak ada yang ditulis",
		},
		"drive.notconnectedlocal": {
			"the backup drive is not connected: %s is on this computer's own disk now, not on the backup drive (%s); nothing was written",
			"drive cadangan tidak tersambung: %s sekarang berada di disk komputer ini sendiri, bukan di drive cadangan (%s); tidak ada yang ditulis",
		},
		"drive.other": {
			"another drive is at %s (%s), not the backup drive (%s); nothing was written",
			"ada drive lain di %s (%s), bukan drive cadangan (%s); tidak ada yang ditulis",
		},
		"drive.unknownid": {"its identity cannot be read", "identitasnya tidak dapat dibaca"},
		"drive.changed": {
			"the schedule backs up %s to drive %s, but the folder is now on drive %s",
			"jadwal mencadangkan ke %s di drive %s, tetapi folder itu sekarang ada di drive %s",
		},
		"hint.notconnected": {
			"connect the backup drive (or reach the network share) and run again; if the folder is really new, make it, or add --create-out",
			"sambungkan drive cadangan (atau pastikan share jaringan terjangkau) lalu jalankan lagi; bila foldernya memang baru, buat foldernya, atau tambahkan --create-out",
		},
		"hint.otherdrive": {
			"connect the backup drive; to back up to this drive from now on, run efbackup schedule install again with --new-drive",
			"sambungkan drive cadangan; untuk mencadangkan ke drive ini mulai sekarang, jalankan lagi efbackup schedule install dengan --new-drive",
		},
		"hint.newdrive": {
			"to back up to this drive from now on, add --new-drive; to let any drive do (two drives used in turn), add --any-drive",
			"untuk mencadangkan ke drive ini mulai sekarang, tambahkan --new-drive; agar drive mana pun boleh (dua drive dipakai bergantian), tambahkan --any-drive",
		},
		"err.driveid":     {"drive identity %q: use KIND:VALUE as schedule install writes it", "identitas drive %q: gunakan JENIS:NILAI seperti yang ditulis schedule install"},
		"err.alertafter":  {"--alert-after %d: use 1 or more days", "--alert-after %d: gunakan 1 hari atau lebih"},
		"err.notify":      {"--notify %s: use an http:// or https:// address", "--notify %s: gunakan alamat http:// atau https://"},
		"err.anynewdrive": {"--any-drive and --new-drive do not go together", "--any-drive dan --new-drive tidak dapat dipakai bersamaan"},
		"schedule.drive":  {"the runs refuse any drive but %s", "jalan terjadwal menolak drive selain %s"},
		"schedule.note.tries": {
			"note: if e-Faktur is open at that time, it tries again every hour until midnight and at log-on or unlock; once the day's snapshot is made, later tries do nothing",
			"catatan: bila e-Faktur masih terbuka pada jam itu, dicoba lagi setiap jam sampai tengah malam dan saat login atau membuka kunci layar; setelah snapshot hari itu dibuat, percobaan berikutnya tidak melakukan apa-apa",
		},
		"schedule.note.drive-unknown": {
			"note: the identity of the drive that holds the snapshot folder cannot be read here: another drive at the same place would not be noticed",
			"catatan: identitas drive yang memuat folder snapshot tidak dapat dibaca di sini: drive lain di tempat yang sama tidak akan ketahuan",
		},
		"schedule.note.any-drive": {
			"note: any drive at the folder's place will do (--any-drive)",
			"catatan: drive apa pun di tempat folder itu boleh (--any-drive)",
		},
		"schedule.note.same-drive": {
			"warning: the snapshots are on the same drive as e-Faktur: a failed disk takes both; use a USB drive, a second disk or a network share",
			"peringatan: snapshot berada di drive yang sama dengan e-Faktur: bila disk rusak, keduanya hilang; gunakan drive USB, disk kedua atau share jaringan",
		},

		// The tries of a daily schedule.
		"runscheduled.waiting": {
			"waiting: e-Faktur is open; the next try makes the snapshot once it is closed",
			"menunggu: e-Faktur sedang terbuka; percobaan berikutnya membuat snapshot setelah aplikasi ditutup",
		},
		"runscheduled.done": {
			"today's snapshot was already made at %s (%s): nothing to do",
			"snapshot hari ini sudah dibuat pukul %s (%s): tidak ada yang perlu dilakukan",
		},
		"runscheduled.nostate":     {"the schedule's memory of earlier tries: %v", "catatan jadwal tentang percobaan sebelumnya: %v"},
		"runscheduled.nologdrive":  {"nothing was written to %s: the run is in the system's log", "tidak ada yang ditulis ke %s: jalan ini tercatat di log sistem"},
		"alert.nogood":             {"NO GOOD BACKUP FOR %d DAYS: the last good snapshot was made %s", "TIDAK ADA CADANGAN YANG BAIK SELAMA %d HARI: snapshot baik terakhir dibuat %s"},
		"alert.nogoodever":         {"NO GOOD BACKUP FOR %d DAYS: this schedule has not made one yet", "TIDAK ADA CADANGAN YANG BAIK SELAMA %d HARI: jadwal ini belum pernah membuatnya"},
		"hint.alert":               {"close e-Faktur at the end of the day and connect the backup drive; efbackup doctor says what else is wrong", "tutup e-Faktur di akhir hari dan sambungkan drive cadangan; efbackup doctor menjelaskan masalah lainnya"},
		"notify.failed":            {"could not tell through %s: %v", "tidak dapat memberi tahu lewat %s: %v"},
		"notify.channel.systemlog": {"the system's log", "log sistem"},
		"notify.channel.hook":      {"the web hook", "web hook"},
		"notify.channel.desktop":   {"a desktop notification", "notifikasi desktop"},
		"notify.title.failed":      {"the backup failed", "pencadangan gagal"},
		"notify.title.alert":       {"no recent backup", "tidak ada cadangan terbaru"},

		// setup.
		"setup.usage": {"set up daily verified backups in one step: asks, makes the first snapshot, installs the schedule", "siapkan cadangan harian yang terverifikasi dalam satu langkah: bertanya, membuat snapshot pertama, memasang jadwal"},
		"setup.description": {
			"On a terminal, setup asks which e-Faktur install to back up, to which drive or folder, whether to encrypt\n" +
				"(then where to keep the key: a USB drive apart from the PC), and at what time\n" +
				"(in Indonesian or English). Then it makes the first snapshot and verifies it, installs the daily schedule\n" +
				"(keep rules: --keep-daily 7 --keep-weekly 4 --keep-monthly 12 unless given) and says how to restore.\n" +
				"With --install, --out and --daily (and --yes, or without a terminal, or with --json) it asks nothing.",
			"Di terminal, setup menanyakan instalasi e-Faktur mana yang dicadangkan, ke drive atau folder mana, apakah\n" +
				"dienkripsi (lalu di mana kunci disimpan: flashdisk yang terpisah dari PC), dan jam\n" +
				"berapa (dalam bahasa Indonesia atau Inggris). Lalu membuat snapshot pertama dan memverifikasinya, memasang\n" +
				"jadwal harian (aturan simpan: --keep-daily 7 --keep-weekly 4 --keep-monthly 12 bila tidak diberikan) dan\n" +
				"menjelaskan cara memulihkan. Dengan --install, --out dan --daily (dan --yes, atau tanpa terminal, atau dengan\n" +
				"--json) setup tidak bertanya apa pun.",
		},
		"flag.yes":            {"ask nothing: the flags say it all", "jangan bertanya: semuanya sudah ada di opsi"},
		"err.setupneedsout":   {"say where the backups go: --out DIR (a USB drive, a second disk or a network share)", "sebutkan ke mana cadangan disimpan: --out DIR (drive USB, disk kedua atau share jaringan)"},
		"setup.welcome":       {"efbackup setup: daily, verified backups of the e-Faktur database. Press Enter to take the answer in [brackets].", "efbackup setup: cadangan harian yang terverifikasi untuk database e-Faktur. Tekan Enter untuk memakai jawaban di [kurung]."},
		"setup.noinstall":     {"No e-Faktur install was found in the usual places.", "Tidak ditemukan instalasi e-Faktur di tempat yang biasa."},
		"setup.q.install":     {"Which e-Faktur install (the folder holding ETaxInvoice and db)?", "Instalasi e-Faktur yang mana (folder berisi ETaxInvoice dan db)?"},
		"setup.notinstall":    {"%s is not an e-Faktur install; try again.", "%s bukan instalasi e-Faktur; coba lagi."},
		"setup.nodrive":       {"No USB drive or second disk was found; type a folder (a network share works too).", "Tidak ditemukan drive USB atau disk kedua; ketik sebuah folder (share jaringan juga bisa)."},
		"setup.q.out":         {"Where should the backups go?", "Ke mana cadangan disimpan?"},
		"setup.q.create":      {"%s does not exist. Make it?", "%s belum ada. Buat foldernya?"},
		"setup.q.daily":       {"At what time each day (HH:MM)? If e-Faktur is still open then, it tries again every hour. [%s]", "Jam berapa setiap hari (HH:MM)? Bila e-Faktur masih terbuka, dicoba lagi setiap jam. [%s]"},
		"setup.q.closeapp":    {"e-Faktur is open. Close it, then press Enter to try again (n: leave it to the schedule)", "e-Faktur sedang terbuka. Tutup aplikasinya, lalu tekan Enter untuk mencoba lagi (t: serahkan ke jadwal)"},
		"setup.plan":          {"Back up %s to %s every day from %s.", "Cadangkan %s ke %s setiap hari mulai pukul %s."},
		"setup.q.go":          {"Go ahead?", "Lanjutkan?"},
		"setup.cancelled":     {"setup cancelled: nothing was done", "setup dibatalkan: tidak ada yang dilakukan"},
		"setup.choose":        {"Choose a number, or type a folder [%d]:", "Pilih nomor, atau ketik folder [%d]:"},
		"setup.chooselang":    {"Pilih nomor / Choose a number [%d]:", "Pilih nomor / Choose a number [%d]:"},
		"setup.type":          {"Type a folder:", "Ketik folder:"},
		"setup.yn.yes":        {"[Y/n]", "[Y/t]"},
		"setup.yn.no":         {"[y/N]", "[y/T]"},
		"setup.snapshotting":  {"making the first snapshot of %s", "membuat snapshot pertama dari %s"},
		"setup.verifying":     {"verifying %s", "memverifikasi %s"},
		"setup.done.title":    {"Done. efbackup set up:", "Selesai. efbackup sudah disiapkan:"},
		"setup.done.snapshot": {"first snapshot: %s", "snapshot pertama: %s"},
		"setup.done.verified": {"verified: it reads back complete, and the database in it is sound", "terverifikasi: terbaca utuh, dan database di dalamnya baik"},
		"setup.done.waiting":  {"no first snapshot yet: e-Faktur is open; the schedule makes it once e-Faktur is closed", "belum ada snapshot pertama: e-Faktur sedang terbuka; jadwal akan membuatnya setelah e-Faktur ditutup"},
		"setup.done.schedule": {"schedule (%s): every day from %s, to %s", "jadwal (%s): setiap hari mulai pukul %s, ke %s"},
		"setup.done.keep":     {"its options: %s", "opsinya: %s"},
		"setup.done.restore":  {"To restore (close e-Faktur first; the current db is moved aside, never deleted):", "Untuk memulihkan (tutup e-Faktur dulu; db yang sekarang dipindahkan, tidak pernah dihapus):"},
		"setup.done.docs":     {"What each message means, and what to do after a disaster: docs/start.md and docs/after-a-disaster.md", "Arti setiap pesan, dan apa yang dilakukan setelah bencana: docs/start.md dan docs/after-a-disaster.md"},
	} {
		messages[k] = v
	}
}

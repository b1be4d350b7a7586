package i18n

// Messages of the safeguards against losing or hiding backups: locks taken
// over, labels shared by two installs, db/ as a link, interruptions.
func init() {
	for k, v := range map[string]msg{
		// Why a stale lock was taken over.
		"lock.why.process-gone": {"process %d is gone", "proses %d sudah tidak ada"},
		"lock.why.pid-reused":   {"process %d is gone (its number now belongs to another program)", "proses %d sudah tidak ada (nomornya kini milik program lain)"},
		"lock.why.restarted":    {"the computer has restarted since", "komputer sudah dinyalakan ulang sejak itu"},
		"lock.why.silent":       {"not refreshed for %s (by the clock of the disk holding the folder)", "tidak diperbarui selama %s (menurut jam disk tempat folder itu)"},
		"lock.why.unreadable":   {"unreadable lock file", "file kunci tidak terbaca"},
		"lock.lost": {
			"%s is no longer this run's: another efbackup took the folder over while this one was stopped (the computer slept?)",
			"%s bukan lagi milik proses ini: efbackup lain mengambil alih folder saat proses ini terhenti (komputer tidur?)",
		},
		"hint.lost": {
			"nothing was committed after the lock was lost; run the command again",
			"tidak ada yang disimpan setelah kunci hilang; jalankan perintah lagi",
		},

		// Labels shared by two installs whose folders have the same name.
		"install.onhost": {"\"%s\" on \"%s\"", "\"%s\" di \"%s\""},
		"schedule.labeltaken": {
			"the label %q is already used by the install \"%s\"; this install's daily run uses the label %q",
			"label %q sudah dipakai oleh instalasi \"%s\"; jadwal harian instalasi ini memakai label %q",
		},
		"schedule.labelother": {
			"the schedule %q is the daily run of another install, \"%s\": installing would replace it",
			"jadwal %q adalah jadwal harian instalasi lain, \"%s\": memasang akan menggantikannya",
		},
		"hint.labelother": {
			"choose another --label for this install, or leave --label out (efbackup then picks one of this install's own)",
			"pilih --label lain untuk instalasi ini, atau jangan beri --label (efbackup lalu memilih label milik instalasi ini)",
		},
		"schedule.noneforinstall": {
			"no efbackup schedule of the install %s is recorded (the schedule %q is another install's: \"%s\")",
			"tidak ada jadwal efbackup yang tercatat untuk instalasi %s (jadwal %q milik instalasi lain: \"%s\")",
		},
		"snapshot.labelshared": {
			"the label %q in %s also holds snapshots of another install, %s: prune and restore keep the installs apart, but list shows them under one label; give this install its own label with --label",
			"label %q di %s juga berisi snapshot instalasi lain, %s: pemangkasan dan pemulihan tetap memisahkan instalasi, tetapi daftar menampilkannya di bawah satu label; beri instalasi ini label sendiri dengan --label",
		},
		"restore.otherinstall": {
			"this snapshot was taken of another install, %s, not of %s: restoring it would replace this install's database with that install's",
			"snapshot ini diambil dari instalasi lain, %s, bukan dari %s: memulihkannya akan mengganti database instalasi ini dengan milik instalasi itu",
		},
		"hint.otherinstall": {
			"check that you chose the right snapshot; if it is right (the same install moved to another folder or computer), run the same command with --from-other-install",
			"pastikan snapshot yang dipilih benar; bila benar (instalasi yang sama dipindah ke folder atau komputer lain), jalankan perintah yang sama dengan --from-other-install",
		},
		"restore.otherinstallok": {
			"this snapshot was taken of another install, %s; restored here as asked",
			"snapshot ini diambil dari instalasi lain, %s; dipulihkan di sini sesuai permintaan",
		},
		"flag.fromotherinstall": {
			"restore a snapshot taken of another install (another folder or computer) over this install's db/",
			"pulihkan snapshot yang diambil dari instalasi lain (folder atau komputer lain) menggantikan db/ instalasi ini",
		},

		// db as a link (a symbolic link, a Windows junction).
		"err.dblink": {
			"%s is a link to %s, not a folder: efbackup does not work through a link at db (it would back up one folder and restore into another, and a restore would replace the link itself); nothing was done",
			"%s adalah tautan ke %s, bukan folder: efbackup tidak bekerja melalui tautan di db (akan membackup satu folder dan memulihkan ke folder lain, dan pemulihan akan mengganti tautannya sendiri); tidak ada yang dikerjakan",
		},
		"hint.dblink": {
			"give the folder itself to snapshot and verify: 'efbackup snapshot --db %[1]s', 'efbackup verify --db %[1]s'; to restore or migrate, first close e-Faktur and move that folder back into the install as db",
			"berikan foldernya langsung untuk snapshot dan verify: 'efbackup snapshot --db %[1]s', 'efbackup verify --db %[1]s'; untuk memulihkan atau migrasi, tutup e-Faktur lalu pindahkan folder itu kembali ke instalasi sebagai db",
		},
		"doctor.db-link": {
			"%s is a link to %s: snapshot, verify, restore and migrate refuse it",
			"%s adalah tautan ke %s: snapshot, verify, restore dan migrate menolaknya",
		},
		"doctor.next.db-link": {
			"back up the folder itself with 'efbackup snapshot --db %s', or move it back into the install as db (close e-Faktur first)",
			"backup foldernya langsung dengan 'efbackup snapshot --db %s', atau pindahkan kembali ke instalasi sebagai db (tutup e-Faktur dahulu)",
		},

		// Words of the output itself.
		"ui.hint":    {"hint: %s", "saran: %s"},
		"ui.default": {"(default: ", "(bawaan: "},
		// Why a folder is not an install (install.NotInstallError).
		"notinstall.missing":               {"missing", "tidak ada"},
		"notinstall.not a folder":          {"not a folder", "bukan folder"},
		"notinstall.no launcher and no db": {"no launcher and no db", "tidak ada program e-Faktur dan tidak ada db"},
		"flag.help":                        {"show help", "tampilkan bantuan"},
		"flag.version":                     {"print the version", "tampilkan versi"},
		"hint.inuse.efbackup": {
			"another efbackup is using it (a scheduled run, or a restore or migration in another window): wait until it has finished, then run the command again",
			"efbackup lain sedang memakainya (jalan terjadwal, atau pemulihan atau migrasi di jendela lain): tunggu sampai selesai, lalu jalankan perintah lagi",
		},

		// Interruptions (Ctrl-C, a stopped task, a closed terminal).
		"reason.interrupted": {"not removed: interrupted", "tidak dihapus: dihentikan"},
		"prune.interrupted": {
			"interrupted: %d snapshot(s) were removed before it stopped (%s freed); every other snapshot is kept",
			"dihentikan: %d snapshot sudah dihapus sebelum berhenti (%s dibebaskan); snapshot lainnya tetap disimpan",
		},
		"hint.pruneinterrupted": {"run the same command again to finish the prune", "jalankan perintah yang sama lagi untuk menyelesaikan pemangkasan"},
		"migrate.interrupted.clean": {
			"interrupted at step %q: nothing was swapped; the temporary copy and the journal were removed, and the target is exactly as it was",
			"dihentikan pada langkah %q: belum ada pertukaran folder; salinan sementara dan jurnal sudah dihapus, dan tujuan persis seperti semula",
		},
		"migrate.interrupted.rolledback": {
			"interrupted at step %q: the original db/ was put back, and the migrated copy is kept at %s",
			"dihentikan pada langkah %q: db/ asli sudah dikembalikan, dan salinan hasil migrasi disimpan di %s",
		},
		"migrate.interrupted.left": {
			"interrupted at step %q, after the swap: the migrated db/ is in place, not yet checked again; the journal %s records where everything is",
			"dihentikan pada langkah %q, setelah pertukaran folder: db/ hasil migrasi sudah terpasang, belum diperiksa ulang; jurnal %s mencatat letak semuanya",
		},
		"migrate.hint.interrupted": {
			"run the same command again to finish (it checks the new db/ and writes the report), or undo with 'efbackup migrate --undo --target %s'",
			"jalankan perintah yang sama lagi untuk menyelesaikan (memeriksa db/ baru dan menulis laporan), atau batalkan dengan 'efbackup migrate --undo --target %s'",
		},
		"restore.finishing": {
			"interrupted after the point of no return: the restore is finishing the swap so that db/ is whole, then it stops (a moment)",
			"dihentikan setelah titik tanpa kembali: pemulihan menyelesaikan pertukaran folder agar db/ utuh, lalu berhenti (sebentar)",
		},
		"restore.finishedanyway": {
			"the interruption came after the point of no return, so the restore was finished: %s holds the snapshot",
			"penghentian datang setelah titik tanpa kembali, jadi pemulihan diselesaikan: %s berisi snapshot itu",
		},
	} {
		messages[k] = v
	}
}

package i18n

// Messages of the operations commands: prune, schedule, run-scheduled,
// doctor and the checks of the app's own backups.
func init() {
	for k, v := range map[string]msg{
		// Flags.
		"flag.keeplast":        {"keep the N newest snapshots (-1: all)", "simpan N snapshot terbaru (-1: semua)"},
		"flag.keepdaily":       {"keep the newest snapshot of each of the last N days (-1: every day)", "simpan snapshot terbaru dari setiap N hari terakhir (-1: setiap hari)"},
		"flag.keepweekly":      {"keep the newest snapshot of each of the last N ISO weeks (-1: every week)", "simpan snapshot terbaru dari setiap N minggu ISO terakhir (-1: setiap minggu)"},
		"flag.keepmonthly":     {"keep the newest snapshot of each of the last N months (-1: every month)", "simpan snapshot terbaru dari setiap N bulan terakhir (-1: setiap bulan)"},
		"flag.keepyearly":      {"keep the newest snapshot of each of the last N years (-1: every year)", "simpan snapshot terbaru dari setiap N tahun terakhir (-1: setiap tahun)"},
		"flag.keepwithin":      {"keep every snapshot made within DURATION before the newest one (30d, 2w, 1y6m, 12h)", "simpan semua snapshot yang dibuat dalam DURASI sebelum yang terbaru (30d, 2w, 1y6m, 12h)"},
		"flag.prunelabel":      {"prune only the snapshots with this label (may be repeated; default: every label)", "pangkas hanya snapshot berlabel ini (boleh diulang; bawaan: semua label)"},
		"flag.lockwait":        {"how long to wait for another efbackup working in the folder", "berapa lama menunggu efbackup lain yang sedang bekerja di folder"},
		"flag.pruneappbackups": {"prune the app's own zip backups in the install's backup/ folder instead", "pangkas backup zip milik aplikasi di folder backup/ instalasi"},
		"flag.keepn":           {"with --app-backups: how many of the newest zips to keep", "dengan --app-backups: berapa zip terbaru yang disimpan"},
		"flag.daily":           {"time of the daily run, HH:MM on the 24-hour clock (local time)", "jam jalan harian, HH:MM format 24 jam (waktu setempat)"},
		"flag.skipunchanged":   {"write no new snapshot when db/ is byte-identical to the newest one", "jangan tulis snapshot baru bila db/ sama persis dengan snapshot terbaru"},
		"flag.whenloggedon":    {"Windows: run only while the user is logged on (needed for a snapshot folder on a network share)", "Windows: jalankan hanya saat pengguna login (perlu untuk folder snapshot di share jaringan)"},
		"flag.backend":         {"scheduler: auto, schtasks, systemd, cron or launchd", "penjadwal: auto, schtasks, systemd, cron atau launchd"},
		"flag.exe":             {"the efbackup program the schedule runs (default: this one)", "program efbackup yang dijalankan jadwal (bawaan: program ini)"},
		"flag.noprune":         {"do not prune after the snapshot", "jangan pangkas setelah snapshot"},
		"flag.doctorout":       {"another folder to look for snapshots in (may be repeated)", "folder lain tempat mencari snapshot (boleh diulang)"},
		"flag.quick":           {"skip reading databases, zips and snapshots in full", "lewati pembacaan penuh database, zip dan snapshot"},
		"flag.maxage":          {"warn when the newest backup is older than this (7d, 2w, ...)", "beri peringatan bila backup terbaru lebih tua dari ini (7d, 2w, ...)"},
		"flag.depth":           {"how many folder levels below each place to search", "berapa tingkat folder di bawah setiap tempat yang dicari"},

		"flag.verifyappbackups": {"check the app's own zip backups in the install's backup/ folder (with --install)", "periksa backup zip milik aplikasi di folder backup/ instalasi (dengan --install)"},

		// list: the last scheduled run.
		"list.lastrun":       {"last scheduled run: %s, %s (%s)", "jalan terjadwal terakhir: %s, %s (%s)"},
		"list.lastrunfailed": {"last scheduled run: %s, %s (exit code %d): %s", "jalan terjadwal terakhir: %s, %s (kode keluar %d): %s"},

		// Usage errors.
		"err.needinstallonly":   {"say which install: --install DIR", "sebutkan instalasinya: --install DIR"},
		"err.keepcount":         {"--%s %d: use a positive number, or -1 for all", "--%s %d: gunakan bilangan positif, atau -1 untuk semua"},
		"err.keepwithin":        {"--keep-within %q: use a span such as 30d, 2w, 1y6m or 12h", "--keep-within %q: gunakan rentang seperti 30d, 2w, 1y6m atau 12h"},
		"err.keepnone":          {"every --keep rule is 0: give at least one rule, or none for the defaults", "semua aturan --keep bernilai 0: berikan setidaknya satu aturan, atau tanpa aturan untuk bawaan"},
		"err.keepnotapp":        {"--keep and --install go with --app-backups; for snapshots use --keep-last and the other --keep-... rules", "--keep dan --install dipakai bersama --app-backups; untuk snapshot gunakan --keep-last dan aturan --keep-... lainnya"},
		"err.appbackupsflags":   {"--app-backups takes --install DIR and --keep N, not --out, --label or --keep-...", "--app-backups memakai --install DIR dan --keep N, bukan --out, --label atau --keep-..."},
		"err.keepn":             {"say how many zips to keep: --keep N (1 or more)", "sebutkan berapa zip yang disimpan: --keep N (1 atau lebih)"},
		"err.pruneneedsout":     {"say which folder: --out DIR (or set EFBACKUP_OUT)", "sebutkan foldernya: --out DIR (atau atur EFBACKUP_OUT)"},
		"err.prunelabel":        {"label %q is not a snapshot label", "label %q bukan label snapshot"},
		"err.needdaily":         {"say when: --daily HH:MM", "sebutkan jamnya: --daily HH:MM"},
		"err.daily":             {"--daily %q: use HH:MM on the 24-hour clock, as in 18:30", "--daily %q: gunakan HH:MM format 24 jam, misalnya 18:30"},
		"err.backend":           {"unknown scheduler %q (use auto, %s)", "penjadwal %q tidak dikenal (gunakan auto, %s)"},
		"err.schedulespec":      {"cannot schedule this: %s", "tidak dapat dijadwalkan: %s"},
		"err.schedulesub":       {"say what to do: efbackup schedule install, show or remove (not %q)", "sebutkan yang dilakukan: efbackup schedule install, show atau remove (bukan %q)"},
		"err.removeneeds":       {"say which schedule: --install DIR or --label NAME", "sebutkan jadwalnya: --install DIR atau --label NAMA"},
		"err.runscheduledneeds": {"run-scheduled needs --install DIR and --out DIR", "run-scheduled memerlukan --install DIR dan --out DIR"},
		"err.maxage":            {"--max-age %q: use a span such as 7d or 2w", "--max-age %q: gunakan rentang seperti 7d atau 2w"},
		"err.depth":             {"--depth %d: use 0 to 10", "--depth %d: gunakan 0 sampai 10"},

		// The folder lock.
		"lock.held": {
			"the snapshot folder %s is in use by another efbackup (%s, process %d on %s, since %s): locked",
			"folder snapshot %s sedang dipakai efbackup lain (%s, proses %d di %s, sejak %s): terkunci",
		},
		"lock.heldunknown": {"the snapshot folder %s is in use by another efbackup: locked", "folder snapshot %s sedang dipakai efbackup lain: terkunci"},
		"lock.takenover": {
			"took over a stale lock in %s left by efbackup %s (process %d on %s): %s",
			"mengambil alih kunci usang di %s yang ditinggalkan efbackup %s (proses %d di %s): %s",
		},
		"hint.locked": {
			"wait until the other run ends and try again; if no efbackup is running on any computer using this folder, delete %s",
			"tunggu sampai proses lain selesai lalu coba lagi; jika tidak ada efbackup yang berjalan di komputer mana pun yang memakai folder ini, hapus %s",
		},

		// prune.
		"prune.usage": {"remove old snapshots by keep rules, never the newest good one", "hapus snapshot lama menurut aturan simpan, tidak pernah yang terbaru yang baik"},
		"prune.description": {
			"A snapshot is kept when any rule keeps it (the rules of restic and borg: days, ISO weeks, months and years in\n" +
				"local time, newest first; --keep-within counts back from the newest snapshot). With no rule given:\n" +
				"--keep-daily 7 --keep-weekly 4 --keep-monthly 12. Each label is pruned on its own.\n" +
				"Never removed: the newest snapshot of each label that passes full verification; every snapshot of a label\n" +
				"none of whose snapshots verifies; any file efbackup cannot prove it made. Nothing is removed while another\n" +
				"efbackup holds the folder. An archive goes together with its sidecar.\n" +
				"With --app-backups --install DIR --keep N: removes the older zips in the install's backup/ folder, but only\n" +
				"when the N newest all read back complete.",
			"Sebuah snapshot disimpan bila ada aturan yang menyimpannya (aturan restic dan borg: hari, minggu ISO, bulan dan\n" +
				"tahun menurut waktu setempat, dari yang terbaru; --keep-within dihitung mundur dari snapshot terbaru). Tanpa aturan:\n" +
				"--keep-daily 7 --keep-weekly 4 --keep-monthly 12. Setiap label dipangkas tersendiri.\n" +
				"Tidak pernah dihapus: snapshot terbaru tiap label yang lolos verifikasi penuh; semua snapshot dari label yang\n" +
				"tidak satu pun snapshotnya lolos verifikasi; file apa pun yang tidak terbukti dibuat efbackup. Tidak ada yang\n" +
				"dihapus selama efbackup lain memegang folder. Arsip dihapus bersama file pendampingnya.\n" +
				"Dengan --app-backups --install DIR --keep N: menghapus zip lama di folder backup/ instalasi, tetapi hanya bila\n" +
				"N zip terbaru semuanya terbaca utuh.",
		},
		"prune.unlimited":    {"all", "semua"},
		"prune.defaultrules": {"(the defaults)", "(bawaan)"},
		"prune.rules":        {"pruning %s with %s", "memangkas %s dengan %s"},
		"prune.nosnapshots":  {"no efbackup snapshots here", "tidak ada snapshot efbackup di sini"},
		"prune.label":        {"label %s:", "label %s:"},
		"prune.keep":         {"keep", "simpan"},
		"prune.remove":       {"remove", "hapus"},
		"prune.removed":      {"removed", "dihapus"},
		"prune.wouldremove":  {"would go", "akan dihapus"},
		"prune.labelnonegood": {
			"no snapshot of this label passes verification: all are kept",
			"tidak ada snapshot label ini yang lolos verifikasi: semuanya disimpan",
		},
		"prune.verified.damaged":          {"DAMAGED", "RUSAK"},
		"prune.verified.database-damaged": {"DATABASE DAMAGED", "DATABASE RUSAK"},
		"prune.leftalone":                 {"left alone: %s (%s)", "dibiarkan: %s (%s)"},
		"prune.summary":                   {"removed %d snapshot(s), %s", "%d snapshot dihapus, %s"},
		"prune.drysummary":                {"dry run: %d snapshot(s) would be removed, %s; nothing was changed", "uji coba: %d snapshot akan dihapus, %s; tidak ada yang diubah"},
		"prune.verifying":                 {"verifying %s", "memverifikasi %s"},
		"prune.nonegood": {
			"%d label(s) have no snapshot that passes verification; nothing of them was removed",
			"%d label tidak memiliki snapshot yang lolos verifikasi; tidak ada yang dihapus darinya",
		},
		"prune.damaged": {
			"verification found %d damaged snapshot(s); an older good one was kept",
			"verifikasi menemukan %d snapshot rusak; snapshot lama yang baik tetap disimpan",
		},
		"hint.prunenonegood": {
			"make a new snapshot now (efbackup snapshot) and check it with efbackup verify",
			"buat snapshot baru sekarang (efbackup snapshot) dan periksa dengan efbackup verify",
		},

		"reason.last":               {"last", "terakhir"},
		"reason.daily":              {"daily", "harian"},
		"reason.weekly":             {"weekly", "mingguan"},
		"reason.monthly":            {"monthly", "bulanan"},
		"reason.yearly":             {"yearly", "tahunan"},
		"reason.within":             {"within", "dalam rentang"},
		"reason.newest-verified":    {"newest verified", "terbaru yang terverifikasi"},
		"reason.no-verified-backup": {"no verified snapshot in this label", "tidak ada snapshot terverifikasi di label ini"},
		"reason.future":             {"dated in the future", "bertanggal masa depan"},
		"reason.remove-failed":      {"could not be removed", "tidak dapat dihapus"},
		"reason.changed-on-disk":    {"changed on disk meanwhile", "berubah di disk sementara itu"},

		"skip.not-efbackup":            {"not made by efbackup", "bukan buatan efbackup"},
		"skip.no-manifest":             {"named like a snapshot, but has no readable manifest", "bernama seperti snapshot, tetapi tanpa manifest yang terbaca"},
		"skip.manifest-mismatch":       {"its manifest belongs to another name", "manifestnya milik nama lain"},
		"skip.partial":                 {"unfinished snapshot", "snapshot belum selesai"},
		"skip.sidecar-without-archive": {"sidecar without its archive", "file pendamping tanpa arsipnya"},
		"skip.folder":                  {"folder", "folder"},

		// The app's own backups.
		"verifyapp.usage":         {"check the app's own zip backups (backup/*.zip)", "periksa backup zip milik aplikasi (backup/*.zip)"},
		"appzip.status.complete":  {"complete", "utuh"},
		"appzip.status.truncated": {"TRUNCATED", "TERPOTONG"},
		"appzip.status.damaged":   {"DAMAGED", "RUSAK"},
		"appzip.line":             {"%s: %s, %d file(s), %s", "%s: %s, %d file, %s"},
		"appzip.none":             {"no zip backups in %s", "tidak ada backup zip di %s"},
		"appzip.newestgood":       {"newest good backup: %s", "backup baik terbaru: %s"},
		"appzip.nonegood":         {"no backup here is complete", "tidak ada backup yang utuh di sini"},
		"appzip.bad":              {"%d of %d app backup(s) are not complete", "%d dari %d backup aplikasi tidak utuh"},
		"hint.appzipbad": {
			"do not rely on those zips; keep the newest complete one, and take efbackup snapshots (efbackup snapshot, efbackup schedule)",
			"jangan mengandalkan zip tersebut; simpan zip utuh terbaru, dan buat snapshot efbackup (efbackup snapshot, efbackup schedule)",
		},
		"appzip.kept":         {"keep    %s (%s)", "simpan  %s (%s)"},
		"appzip.removed":      {"removed %s (%s)", "dihapus %s (%s)"},
		"appzip.wouldremove":  {"would remove %s (%s)", "akan dihapus %s (%s)"},
		"appzip.notremoved":   {"kept    %s (nothing is removed)", "simpan  %s (tidak ada yang dihapus)"},
		"appzip.removefailed": {"could not remove %s: %s", "tidak dapat menghapus %s: %s"},
		"appzip.nothing":      {"%d zip(s), no more than the %d to keep: nothing to remove", "%d zip, tidak lebih dari %d yang disimpan: tidak ada yang dihapus"},
		"appzip.freed":        {"freed %s", "ruang dibebaskan %s"},
		"appzip.refused": {
			"not every one of the %d newest app backups is complete (%s): nothing was removed",
			"tidak semua dari %d backup aplikasi terbaru utuh (%s): tidak ada yang dihapus",
		},
		"hint.appzip": {
			"an older zip may be the only good copy; take a snapshot with efbackup first, then prune again",
			"zip lama mungkin satu-satunya salinan yang baik; buat snapshot dengan efbackup dulu, lalu pangkas lagi",
		},

		// schedule.
		"schedule.usage": {"run snapshot and prune every day (Task Scheduler, systemd, cron, launchd)", "jalankan snapshot dan pemangkasan setiap hari (Task Scheduler, systemd, cron, launchd)"},
		"schedule.description": {
			"install: installs the daily run (again: replaces it). show: prints exactly what install would write and run.\n" +
				"remove: removes only what efbackup installed (task efbackup-LABEL, units efbackup-LABEL.service/.timer,\n" +
				"the crontab line ending in '# efbackup:LABEL', the agent id.efbackup.LABEL).\n" +
				"Each run makes a snapshot, prunes the label's snapshots with the --keep-... rules given (or the defaults),\n" +
				"and appends one line to efbackup-runs.log in the snapshot folder.",
			"install: memasang jalan harian (lagi: menggantinya). show: menampilkan persis apa yang akan ditulis dan dijalankan install.\n" +
				"remove: hanya menghapus yang dipasang efbackup (task efbackup-LABEL, unit efbackup-LABEL.service/.timer,\n" +
				"baris crontab berakhiran '# efbackup:LABEL', agent id.efbackup.LABEL).\n" +
				"Setiap jalan membuat snapshot, memangkas snapshot label itu dengan aturan --keep-... yang diberikan (atau bawaan),\n" +
				"dan menambah satu baris ke efbackup-runs.log di folder snapshot.",
		},
		"schedule.install.usage":    {"install the daily run", "pasang jalan harian"},
		"schedule.show.usage":       {"print what install would write and run", "tampilkan yang akan ditulis dan dijalankan install"},
		"schedule.remove.usage":     {"remove the daily run", "hapus jalan harian"},
		"schedule.showheader":       {"would install with %s:", "akan dipasang dengan %s:"},
		"schedule.installed":        {"installed with %s: every day at %s", "terpasang dengan %s: setiap hari pukul %s"},
		"schedule.runs":             {"runs: %s", "menjalankan: %s"},
		"schedule.file":             {"file %s:", "file %s:"},
		"schedule.tempfile":         {"temporary file %s (passed to the tool, then removed):", "file sementara %s (diberikan ke alat, lalu dihapus):"},
		"schedule.command":          {"then runs: %s", "lalu menjalankan: %s"},
		"schedule.stdin":            {"  with this line added to the crontab (replacing an earlier one with the same mark):", "  dengan baris ini ditambahkan ke crontab (mengganti baris lama bertanda sama):"},
		"schedule.alreadyinstalled": {"a schedule with this label is installed now; install replaces it", "jadwal dengan label ini sudah terpasang; install akan menggantinya"},
		"schedule.logat":            {"each run appends a line to %s", "setiap jalan menambah satu baris ke %s"},
		"schedule.removed":          {"removed the schedule %s (%s)", "jadwal %s dihapus (%s)"},
		"schedule.notinstalled":     {"no efbackup schedule %q is installed with %s", "tidak ada jadwal efbackup %q yang terpasang dengan %s"},
		"schedule.notours":          {"%s was not installed by efbackup; it was left alone", "%s tidak dipasang oleh efbackup; dibiarkan"},
		"hint.notours":              {"choose another --label, or remove it yourself if you know it is unused", "pilih --label lain, atau hapus sendiri bila yakin tidak dipakai"},
		"hint.scheduleshow":         {"check --label and --backend; 'efbackup doctor' shows what is installed", "periksa --label dan --backend; 'efbackup doctor' menampilkan yang terpasang"},
		"schedule.note.s4u": {
			"note: the task runs whether or not you are logged on, without a stored password; such a task cannot reach network shares: for a snapshot folder on a NAS use --when-logged-on",
			"catatan: task berjalan baik Anda login atau tidak, tanpa kata sandi tersimpan; task seperti ini tidak dapat menjangkau share jaringan: untuk folder snapshot di NAS gunakan --when-logged-on",
		},
		"schedule.note.s4u-fallback": {
			"note: Windows refused a task that runs while logged off (this account lacks the right); it runs only while you are logged on",
			"catatan: Windows menolak task yang berjalan saat logout (akun ini tidak memiliki haknya); task hanya berjalan saat Anda login",
		},
		"schedule.note.linger": {
			"note: a user timer runs while you are logged in; to run it also when logged out, run once: loginctl enable-linger",
			"catatan: timer pengguna berjalan saat Anda login; agar juga berjalan saat logout, jalankan sekali: loginctl enable-linger",
		},
		"schedule.note.cron-no-catchup": {
			"note: cron skips a run missed while the computer was off; the next day's run catches up",
			"catatan: cron melewatkan jalan yang terlewat saat komputer mati; jalan hari berikutnya menyusul",
		},
		"schedule.note.launchd-wake": {
			"note: a run missed while the Mac slept starts when it wakes; one missed while it was off is skipped",
			"catatan: jalan yang terlewat saat Mac tidur dimulai saat bangun; yang terlewat saat mati dilewatkan",
		},

		// run-scheduled.
		"runscheduled.usage":        {"the daily run: snapshot, prune and a line in the run log", "jalan harian: snapshot, pemangkasan dan satu baris di log jalan"},
		"runscheduled.ok":           {"scheduled run: snapshot %s, %d old snapshot(s) pruned", "jalan terjadwal: snapshot %s, %d snapshot lama dipangkas"},
		"runscheduled.unchanged":    {"scheduled run: unchanged since %s, no new snapshot; %d old snapshot(s) pruned", "jalan terjadwal: tidak berubah sejak %s, tidak ada snapshot baru; %d snapshot lama dipangkas"},
		"runscheduled.failed":       {"scheduled run: %s (exit code %d)", "jalan terjadwal: %s (kode keluar %d)"},
		"runscheduled.nocompare":    {"could not compare with the newest snapshot (%v); taking a snapshot", "tidak dapat membandingkan dengan snapshot terbaru (%v); membuat snapshot"},
		"runscheduled.damaged":      {"the database checks found damage; snapshot %s was kept", "pemeriksaan database menemukan kerusakan; snapshot %s disimpan"},
		"runscheduled.prunedamaged": {"prune found damaged snapshots; an older good one was kept", "pemangkasan menemukan snapshot rusak; snapshot lama yang baik disimpan"},
		"runscheduled.nolog":        {"could not write the run log %s: %v", "tidak dapat menulis log jalan %s: %v"},
		"runscheduled.nofolder":     {"the snapshot folder does not exist (is the drive connected?)", "folder snapshot tidak ada (apakah drive-nya terhubung?)"},
		"snapshot.unchanged":        {"unchanged since %s: no new snapshot written", "tidak berubah sejak %s: tidak ada snapshot baru yang ditulis"},

		// doctor.
		"doctor.usage": {"find e-Faktur installs and say what puts their data at risk", "temukan instalasi e-Faktur dan tunjukkan apa yang membahayakan datanya"},
		"doctor.description": {
			"Without PATH, searches the usual places (Windows: Program Files, Documents, Desktop and the root of each\n" +
				"fixed drive; Linux and macOS: the home folder and /opt), 3 folder levels deep. For each install: version,\n" +
				"database size and files, in use or not, database checks, the app's own zip backups, whether its\n" +
				"auto-backup was switched off, the newest efbackup snapshot, the schedule and its last run, and whether the\n" +
				"snapshots are on the database's disk. Each finding has a severity and a next step.\n" +
				"Exit code 0 when nothing is at risk, 3 when something is (any warning or critical finding).",
			"Tanpa PATH, mencari di tempat yang biasa (Windows: Program Files, Documents, Desktop dan akar setiap drive\n" +
				"tetap; Linux dan macOS: folder home dan /opt), sampai 3 tingkat folder. Untuk setiap instalasi: versi, ukuran\n" +
				"dan file database, sedang dipakai atau tidak, pemeriksaan database, backup zip milik aplikasi, apakah\n" +
				"backup otomatisnya dimatikan, snapshot efbackup terbaru, jadwal dan jalan terakhirnya, dan apakah snapshot\n" +
				"berada di disk yang sama dengan database. Setiap temuan memiliki tingkat dan langkah berikutnya.\n" +
				"Kode keluar 0 bila tidak ada yang berisiko, 3 bila ada (temuan peringatan atau kritis).",
		},
		"doctor.searching":              {"looking for e-Faktur installs", "mencari instalasi e-Faktur"},
		"doctor.install":                {"e-Faktur %s at %s", "e-Faktur %s di %s"},
		"doctor.db":                     {"database: %s in %d file(s): %s", "database: %s dalam %d file: %s"},
		"doctor.nodbline":               {"database: no db/ folder yet", "database: belum ada folder db/"},
		"doctor.inuse.yes":              {"IN USE", "SEDANG DIPAKAI"},
		"doctor.inuse.no":               {"not in use", "tidak dipakai"},
		"doctor.apps":                   {"app backups: %d zip(s), %s, newest %s (%s)", "backup aplikasi: %d zip, %s, terbaru %s (%s)"},
		"doctor.apps.none":              {"app backups: none in %s", "backup aplikasi: tidak ada di %s"},
		"doctor.apps.allgood":           {"all complete", "semua utuh"},
		"doctor.apps.allgoodquick":      {"all have their zip directory (not read in full: --quick)", "semua memiliki direktori zip (tidak dibaca penuh: --quick)"},
		"doctor.auto.on":                {"auto-backup: on (%s)", "backup otomatis: aktif (%s)"},
		"doctor.auto.off":               {"auto-backup: OFF (the updater was renamed: %s)", "backup otomatis: MATI (updater diganti nama: %s)"},
		"doctor.snaps":                  {"efbackup snapshots: %d, newest %s (%s) in %s", "snapshot efbackup: %d, terbaru %s (%s) di %s"},
		"doctor.snaps.none":             {"efbackup snapshots: none (searched %s)", "snapshot efbackup: tidak ada (dicari di %s)"},
		"doctor.snaps.verified.ok":      {"verified: every byte, and its database checks passed", "terverifikasi: setiap byte, dan pemeriksaan database-nya lolos"},
		"doctor.snaps.verified.damaged": {"DAMAGED", "RUSAK"},
		"doctor.snaps.samedisk":         {"on the SAME disk as the database", "di disk yang SAMA dengan database"},
		"doctor.snaps.otherdisk":        {"on another disk", "di disk lain"},
		"doctor.sched.yes":              {"schedule: installed (%s)", "jadwal: terpasang (%s)"},
		"doctor.sched.no":               {"schedule: none", "jadwal: tidak ada"},
		"doctor.lastrun":                {"last scheduled run: %s, %s (exit code %d)", "jalan terjadwal terakhir: %s, %s (kode keluar %d)"},
		"doctor.across":                 {"across installs:", "antar instalasi:"},
		"doctor.allgood":                {"nothing at risk", "tidak ada yang berisiko"},
		"doctor.etax":                   {"(helps avoid %s)", "(membantu mencegah %s)"},
		"doctor.nextstep":               {"next: %s", "langkah: %s"},
		"doctor.atrisk":                 {"doctor found %d risk(s)", "doctor menemukan %d risiko"},
		"hint.doctor":                   {"follow the 'next:' line of each warning and critical finding, then run efbackup doctor again", "ikuti baris 'langkah:' setiap temuan peringatan dan kritis, lalu jalankan efbackup doctor lagi"},
		"severity.info":                 {"info", "info"},
		"severity.warning":              {"warning", "awas"},
		"severity.critical":             {"critical", "kritis"},
		"age.future":                    {"in the future", "di masa depan"},
		"age.minutes":                   {"%d minutes ago", "%d menit lalu"},
		"age.hours":                     {"%d hours ago", "%d jam lalu"},
		"age.days":                      {"%d days ago", "%d hari lalu"},

		"doctor.no-db":                {"no database yet in %s (e-Faktur was never started here)", "belum ada database di %s (e-Faktur belum pernah dijalankan di sini)"},
		"doctor.next.no-db":           {"nothing to back up yet; run doctor again after the first start", "belum ada yang perlu dibackup; jalankan doctor lagi setelah start pertama"},
		"doctor.restore-pending":      {"a restore into %s started at %s from %s has not finished: it is running, or was interrupted, and db/ may be missing or the previous one", "pemulihan ke %s yang dimulai %s dari %s belum selesai: sedang berjalan atau terputus, dan db/ mungkin tidak ada atau masih yang lama"},
		"doctor.next.restore-pending": {"if no restore is running, run efbackup restore %s --install %s again: it finishes or undoes the interrupted one and never deletes the previous db/; do not start e-Faktur before that", "jika tidak ada pemulihan yang berjalan, jalankan lagi efbackup restore %s --install %s: perintah itu menyelesaikan atau membatalkan pemulihan yang terputus dan tidak pernah menghapus db/ lama; jangan jalankan e-Faktur sebelum itu"},
		"doctor.version-unknown":      {"the version of %s cannot be told", "versi %s tidak dapat diketahui"},
		"doctor.next.version-unknown": {
			"make sure this is the install you use; efbackup still backs up its db/ byte for byte",
			"pastikan ini instalasi yang Anda pakai; efbackup tetap membackup db/-nya byte demi byte",
		},
		"doctor.old-version": {"e-Faktur %s: version 3.x stopped working when 4.0 went live (20 July 2024)", "e-Faktur %s: versi 3.x berhenti bekerja saat 4.0 berlaku (20 Juli 2024)"},
		"doctor.next.old-version": {
			"if this is the old install kept after an upgrade, leave it closed; before upgrading, back it up: efbackup snapshot --install \"%s\"",
			"jika ini instalasi lama yang disimpan setelah upgrade, biarkan tertutup; sebelum upgrade, backup dulu: efbackup snapshot --install \"%s\"",
		},
		"doctor.several-databases":      {"%d databases in db/: %s", "%d database di db/: %s"},
		"doctor.next.several-databases": {"nothing to do: every snapshot holds all of them", "tidak perlu tindakan: setiap snapshot memuat semuanya"},
		"doctor.in-use":                 {"e-Faktur has the database open (%s)", "e-Faktur sedang membuka database (%s)"},
		"doctor.next.in-use": {
			"close e-Faktur before a snapshot, a restore or an upgrade; a scheduled run that finds it open tries again the next day",
			"tutup e-Faktur sebelum snapshot, pemulihan atau upgrade; jalan terjadwal yang mendapati aplikasi terbuka mencoba lagi esok hari",
		},
		"doctor.db-damaged": {"the database checks found damage in %s", "pemeriksaan database menemukan kerusakan di %s"},
		"doctor.next.db-damaged": {
			"do not overwrite anything; restore the newest good snapshot (efbackup list, then efbackup restore SNAPSHOT --install \"%s\"), or ask the KPP for your Faktur Keluaran data",
			"jangan menimpa apa pun; pulihkan snapshot baik terbaru (efbackup list, lalu efbackup restore SNAPSHOT --install \"%s\"), atau minta data Faktur Keluaran ke KPP",
		},
		"doctor.db-warning":           {"the database checks have warnings for %s", "pemeriksaan database memberi peringatan untuk %s"},
		"doctor.next.db-warning":      {"read them with: efbackup verify --install \"%s\"", "baca dengan: efbackup verify --install \"%s\""},
		"doctor.db-check-failed":      {"the database could not be checked: %s", "database tidak dapat diperiksa: %s"},
		"doctor.next.db-check-failed": {"close e-Faktur and run efbackup doctor again", "tutup e-Faktur lalu jalankan efbackup doctor lagi"},
		"doctor.no-backup": {
			"no backup of %s at all: one disk failure or one mistake loses every invoice",
			"tidak ada backup %s sama sekali: satu kerusakan disk atau satu kesalahan menghilangkan semua faktur",
		},
		"doctor.next.no-backup": {
			"make one now, on another disk: efbackup snapshot --install \"%s\" --out DIR; then schedule it",
			"buat sekarang, di disk lain: efbackup snapshot --install \"%s\" --out DIR; lalu jadwalkan",
		},
		"doctor.backup-old": {
			"the newest backup is %d days old: everything entered since would be lost",
			"backup terbaru berumur %d hari: semua yang dimasukkan sejak itu akan hilang",
		},
		"doctor.next.backup-old": {
			"take a snapshot now: efbackup snapshot --install \"%s\" --out DIR, and schedule it with efbackup schedule install",
			"buat snapshot sekarang: efbackup snapshot --install \"%s\" --out DIR, dan jadwalkan dengan efbackup schedule install",
		},
		"doctor.snapshot-damaged": {"the newest snapshot %s fails verification", "snapshot terbaru %s gagal verifikasi"},
		"doctor.next.snapshot-damaged": {
			"see which snapshots are good with efbackup list --out \"%s\", and take a new snapshot",
			"lihat snapshot mana yang baik dengan efbackup list --out \"%s\", dan buat snapshot baru",
		},
		"doctor.same-disk": {"the snapshots in %s are on the same disk as the database: a disk failure loses both", "snapshot di %s berada di disk yang sama dengan database: kerusakan disk menghilangkan keduanya"},
		"doctor.next.same-disk": {
			"keep snapshots on another disk, a USB drive or a NAS: efbackup schedule install --install \"%s\" --out DIR --daily HH:MM",
			"simpan snapshot di disk lain, drive USB atau NAS: efbackup schedule install --install \"%s\" --out DIR --daily HH:MM",
		},
		"doctor.no-schedule": {"no daily efbackup run is scheduled", "tidak ada jalan efbackup harian yang dijadwalkan"},
		"doctor.next.no-schedule": {
			"efbackup schedule install --install \"%s\" --out DIR --daily 17:00",
			"efbackup schedule install --install \"%s\" --out DIR --daily 17:00",
		},
		"doctor.last-run-failed": {"the last scheduled run (%s) ended %s: %s", "jalan terjadwal terakhir (%s) berakhir %s: %s"},
		"doctor.next.last-run-failed": {
			"fix the cause above; efbackup-runs.log in the snapshot folder has every run, and the next run tries again",
			"perbaiki penyebab di atas; efbackup-runs.log di folder snapshot mencatat setiap jalan, dan jalan berikutnya mencoba lagi",
		},
		"doctor.autobackup-off": {
			"the app's own backup at start-up is switched off (the updater was renamed: %s)",
			"backup bawaan aplikasi saat mulai dimatikan (updater diganti nama: %s)",
		},
		"doctor.next.autobackup-off": {
			"that is fine when efbackup backs up instead: efbackup schedule install --install \"%s\" --out DIR --daily HH:MM",
			"tidak masalah bila efbackup yang membackup: efbackup schedule install --install \"%s\" --out DIR --daily HH:MM",
		},
		"doctor.app-backup-bad": {"%d of %d app backup zip(s) are not complete: %s", "%d dari %d backup zip aplikasi tidak utuh: %s"},
		"doctor.next.app-backup-bad": {
			"do not rely on those; the newest complete one is %s",
			"jangan mengandalkannya; zip utuh terbaru adalah %s",
		},
		"doctor.app-backups-many": {"%d app backup zips take %d MiB", "%d backup zip aplikasi memakan %d MiB"},
		"doctor.next.app-backups-many": {
			"the tax office advises keeping only the newest few: efbackup prune --app-backups --install \"%s\" --keep %d",
			"kantor pajak menyarankan hanya menyimpan beberapa yang terbaru: efbackup prune --app-backups --install \"%s\" --keep %d",
		},
		"doctor.app-backups-none": {"no app backup zips in %s", "tidak ada backup zip aplikasi di %s"},
		"doctor.next.app-backups-none": {
			"the app's own backup is off or has not run; efbackup snapshots do the job",
			"backup bawaan aplikasi mati atau belum berjalan; snapshot efbackup menggantikannya",
		},
		"doctor.several-installs": {"%d e-Faktur installs with a database on one disk: %s", "%d instalasi e-Faktur dengan database di satu disk: %s"},
		"doctor.next.several-installs": {
			"use one install only; keep the others closed (the old one after an upgrade) and remove them once the new one is known to work, after a snapshot of each",
			"pakai satu instalasi saja; biarkan yang lain tertutup (yang lama setelah upgrade) dan hapus setelah yang baru terbukti bekerja, setelah snapshot masing-masing",
		},
		"doctor.no-install":         {"no e-Faktur install found in %s", "tidak ditemukan instalasi e-Faktur di %s"},
		"doctor.next.no-install":    {"give the install folder: efbackup doctor PATH", "berikan folder instalasinya: efbackup doctor PATH"},
		"doctor.schedule-unchecked": {"the schedule could not be checked: %s", "jadwal tidak dapat diperiksa: %s"},
		"doctor.next.schedule-unchecked": {
			"check by hand: schtasks /Query, systemctl --user list-timers or crontab -l",
			"periksa manual: schtasks /Query, systemctl --user list-timers atau crontab -l",
		},
	} {
		messages[k] = v
	}
}

// Messages of restore's recovery from an interrupted restore, and of the
// install-folder lock restore takes.
func init() {
	for k, v := range map[string]msg{
		"restore.recovered.rolledback": {
			"an earlier restore of %s into %s was interrupted before db/ was touched; its unfinished copy %s was removed",
			"pemulihan sebelumnya dari %s ke %s terhenti sebelum db/ disentuh; salinannya yang belum selesai %s sudah dihapus",
		},
		"restore.recovered.rolledbacknothing": {
			"an earlier restore of %s into %s was interrupted before db/ was touched; nothing of it was left",
			"pemulihan sebelumnya dari %s ke %s terhenti sebelum db/ disentuh; tidak ada sisanya",
		},
		"restore.recovered.finished": {
			"an earlier restore of %s into %s was interrupted while it swapped the folders; it is now finished, and the db/ it replaced is kept at %s",
			"pemulihan sebelumnya dari %s ke %s terhenti saat menukar folder; sekarang sudah diselesaikan, dan db/ yang digantikannya disimpan di %s",
		},
		"restore.recovered.cleanedup": {
			"an earlier restore of %s into %s had finished but was stopped before it tidied up; the db/ it replaced is kept at %s",
			"pemulihan sebelumnya dari %s ke %s sudah selesai tetapi terhenti sebelum merapikan; db/ yang digantikannya disimpan di %s",
		},
		"restore.recovered.cleanedupnodb": {
			"an earlier restore of %s into %s had finished but was stopped before it tidied up; its journal was removed",
			"pemulihan sebelumnya dari %s ke %s sudah selesai tetapi terhenti sebelum merapikan; jurnalnya sudah dihapus",
		},
		"restore.leftover": {
			"%s was left by an earlier interrupted restore and may hold a previous db/; efbackup never removes it",
			"%s ditinggalkan pemulihan yang terhenti dan mungkin berisi db/ sebelumnya; efbackup tidak pernah menghapusnya",
		},
		"hint.restoreleftover": {
			"look inside; if it is a db/ you need, rename it (for example to db.kept), otherwise delete it yourself",
			"periksa isinya; bila itu db/ yang Anda perlukan, ganti namanya (misalnya menjadi db.kept), bila tidak, hapus sendiri",
		},
		"restore.plan.pending": {
			"an earlier restore of %s was interrupted (%s, state %s); the restore will first finish or undo it",
			"pemulihan sebelumnya dari %s terhenti (%s, tahap %s); pemulihan akan menyelesaikan atau membatalkannya lebih dulu",
		},
		"err.restorejournal": {
			"%s records a restore that was interrupted, but %s; nothing was changed",
			"%s mencatat pemulihan yang terhenti, tetapi %s; tidak ada yang diubah",
		},
		"hint.restorejournal": {
			"look in %s: one of them is the db/ you had before that restore. Put the one you want back as db/, then delete %s and run the restore again",
			"periksa %s: salah satunya adalah db/ Anda sebelum pemulihan itu. Kembalikan yang Anda inginkan sebagai db/, lalu hapus %s dan jalankan pemulihan lagi",
		},
		"lock.heldinstall": {
			"the install folder %s is in use by another efbackup (%s, process %d on %s, since %s): locked",
			"folder instalasi %s sedang dipakai efbackup lain (%s, proses %d di %s, sejak %s): terkunci",
		},
		"lock.heldinstallunknown": {"the install folder %s is in use by another efbackup: locked", "folder instalasi %s sedang dipakai efbackup lain: terkunci"},
	} {
		messages[k] = v
	}
}

package i18n

// Messages of the snapshot stores: S3 buckets (flags, errors, Object Lock,
// tampering), the copy command, and what other commands say of a bucket.
func init() {
	for k, v := range map[string]msg{
		// Flags.
		"flag.s3endpoint": {
			"S3 endpoint of a service other than AWS, as https://host[:port] (default $AWS_ENDPOINT_URL or the profile's endpoint_url)",
			"endpoint S3 layanan selain AWS, berupa https://host[:port] (bawaan $AWS_ENDPOINT_URL atau endpoint_url pada profil)",
		},
		"flag.s3profile": {
			"profile of ~/.aws/credentials and ~/.aws/config with the keys (default $AWS_PROFILE, else the keys in the environment)",
			"profil ~/.aws/credentials dan ~/.aws/config yang berisi kunci (bawaan $AWS_PROFILE, atau kunci di environment)",
		},
		"flag.lockdays": {
			"in an S3 bucket with Object Lock: nobody can delete or overwrite the snapshot for N days",
			"di bucket S3 dengan Object Lock: tidak ada yang dapat menghapus atau menimpa snapshot selama N hari",
		},
		"flag.lockmode": {
			"with --lock-days: governance (an administrator with the bypass permission can lift it) or compliance (nobody can)",
			"dengan --lock-days: governance (administrator dengan izin bypass dapat mencabutnya) atau compliance (tidak ada yang bisa)",
		},
		"flag.copyto":      {"where to copy the snapshot: s3://BUCKET/PREFIX (or a folder)", "tujuan salinan snapshot: s3://BUCKET/PREFIX (atau folder)"},
		"flag.schedcopyto": {"after each snapshot, copy it there too and check the copy (s3://BUCKET/PREFIX or a folder)", "setelah setiap snapshot, salin juga ke sana dan periksa salinannya (s3://BUCKET/PREFIX atau folder)"},

		"deep.s3": {"the engine proof was skipped: it runs on a snapshot on this computer (copy it here first)", "bukti mesin dilewati: bukti dijalankan pada snapshot di komputer ini (salin ke sini terlebih dahulu)"},

		// Usage errors.
		"err.lockdays":    {"--lock-days %d: give a number of days, 1 or more", "--lock-days %d: berikan jumlah hari, 1 atau lebih"},
		"err.lockmode":    {"--lock-mode %q: use governance or compliance", "--lock-mode %q: gunakan governance atau compliance"},
		"err.locklocal":   {"--lock-days needs an S3 bucket with Object Lock; %s is a folder", "--lock-days memerlukan bucket S3 dengan Object Lock; %s adalah folder"},
		"err.s3url":       {"%s is not a usable bucket location: %v", "%s bukan lokasi bucket yang dapat dipakai: %v"},
		"err.copynothing": {"say which snapshot to copy: efbackup copy SNAPSHOT --to s3://BUCKET/PREFIX", "sebutkan snapshot yang akan disalin: efbackup copy SNAPSHOT --to s3://BUCKET/PREFIX"},
		"err.copyneedsto": {"say where to copy it: --to s3://BUCKET/PREFIX", "sebutkan tujuan salinan: --to s3://BUCKET/PREFIX"},
		"err.copyname":    {"%s is not named like an efbackup snapshot (LABEL-YYYYMMDDTHHMMSSZ.tar.zst)", "%s tidak bernama seperti snapshot efbackup (LABEL-YYYYMMDDTHHMMSSZ.tar.zst)"},
		"err.copysame":    {"%s is already where --to points", "%s sudah berada di tempat yang ditunjuk --to"},
		"err.copytoout":   {"--copy-to %s is the snapshot folder itself", "--copy-to %s adalah folder snapshot itu sendiri"},

		// Failures.
		"err.retained": {
			"%s: %s is under %s retention until %s and cannot be removed before then",
			"%s: %s berada dalam retensi %s sampai %s dan tidak dapat dihapus sebelum itu",
		},
		"hint.retained": {"nothing was removed; prune removes it once its retention has passed", "tidak ada yang dihapus; prune menghapusnya setelah masa retensinya lewat"},
		"err.locklost": {
			"%s: another efbackup took over this run's lock (the run could not refresh it in time): nothing was committed",
			"%s: efbackup lain mengambil alih kunci proses ini (proses tidak dapat memperbaruinya tepat waktu): tidak ada yang disimpan",
		},
		"hint.locklost": {"check the network connection, then run the command again", "periksa koneksi jaringan, lalu jalankan perintah lagi"},
		"hint.lockeds3": {
			"wait until the other run ends and try again; a run that was killed holds the lock at most 5 minutes (the lock object is %s)",
			"tunggu sampai proses lain selesai lalu coba lagi; proses yang dihentikan paksa memegang kunci paling lama 5 menit (objek kuncinya %s)",
		},
		"hint.lockeds3stale": {
			"wait until the other run ends and try again; if it was killed, its lock counts as abandoned at %s",
			"tunggu sampai proses lain selesai lalu coba lagi; jika proses itu dihentikan paksa, kuncinya dianggap ditinggalkan pada %s",
		},

		// Object store failures, by kind: what went wrong, then the
		// store's own detail (in English).
		"store.err.no-credentials":  {"no S3 credentials for %s: %s", "tidak ada kunci S3 untuk %s: %s"},
		"store.err.bad-credentials": {"the S3 server does not accept the key for %s: %s", "server S3 tidak menerima kunci untuk %s: %s"},
		"store.err.access-denied":   {"access denied on %s: %s", "akses ditolak pada %s: %s"},
		"store.err.endpoint":        {"cannot reach the S3 server of %s: %s", "server S3 untuk %s tidak dapat dihubungi: %s"},
		"store.err.tls":             {"the S3 server of %s is not trusted: %s", "server S3 untuk %s tidak tepercaya: %s"},
		"store.err.no-bucket":       {"the bucket of %s does not exist: %s", "bucket untuk %s tidak ada: %s"},
		"store.err.no-object-lock":  {"the bucket of %s cannot lock snapshots: %s", "bucket untuk %s tidak dapat mengunci snapshot: %s"},
		"store.err.network":         {"the network connection to %s broke off: %s", "koneksi jaringan ke %s terputus: %s"},
		"store.err.config":          {"the S3 settings for %s are unusable: %s", "pengaturan S3 untuk %s tidak dapat dipakai: %s"},
		"store.err.too-large":       {"too large for %s: %s", "terlalu besar untuk %s: %s"},
		"store.err.unsupported":     {"%s cannot do that: %s", "%s tidak dapat melakukannya: %s"},
		"store.err.server":          {"the S3 server of %s failed: %s", "server S3 untuk %s gagal: %s"},
		"store.err.interrupted":     {"%s: interrupted (%s)", "%s: dihentikan (%s)"},
		"store.err.integrity":       {"the S3 server stored other bytes than were sent to %s: %s", "server S3 menyimpan byte yang berbeda dari yang dikirim ke %s: %s"},
		"store.err.local":           {"%s: %s", "%s: %s"},

		"store.hint.no-credentials": {
			"set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile of ~/.aws/credentials with AWS_PROFILE or --s3-profile",
			"atur AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY, atau sebutkan profil ~/.aws/credentials dengan AWS_PROFILE atau --s3-profile",
		},
		"store.hint.bad-credentials": {
			"check the access key and the secret key (and renew AWS_SESSION_TOKEN if it is a temporary key)",
			"periksa access key dan secret key (dan perbarui AWS_SESSION_TOKEN jika kuncinya sementara)",
		},
		"store.hint.access-denied": {
			"the key works but lacks a permission: ask the bucket's administrator to allow it on this bucket and prefix (docs/s3.md shows a policy)",
			"kunci berfungsi tetapi tidak memiliki izin: minta administrator bucket mengizinkannya pada bucket dan prefix ini (docs/s3.md memuat contoh kebijakan)",
		},
		"store.hint.endpoint": {
			"check the endpoint address (--s3-endpoint or AWS_ENDPOINT_URL) and the internet connection",
			"periksa alamat endpoint (--s3-endpoint atau AWS_ENDPOINT_URL) dan koneksi internet",
		},
		"store.hint.tls": {
			"if the server uses a private certificate authority, point AWS_CA_BUNDLE at its certificate",
			"jika server memakai otoritas sertifikat sendiri, arahkan AWS_CA_BUNDLE ke sertifikatnya",
		},
		"store.hint.no-bucket": {
			"create the bucket first, with versioning and Object Lock enabled, or correct its name",
			"buat bucket terlebih dahulu, dengan versioning dan Object Lock aktif, atau perbaiki namanya",
		},
		"store.hint.no-object-lock": {
			"enable versioning and Object Lock on the bucket (most services allow Object Lock only when the bucket is created), or leave out --lock-days",
			"aktifkan versioning dan Object Lock pada bucket (kebanyakan layanan hanya mengizinkan Object Lock saat bucket dibuat), atau jangan pakai --lock-days",
		},
		"store.hint.network": {
			"nothing was left under the snapshot's name; run the command again when the network is back (the next run cleans up the unfinished upload)",
			"tidak ada yang tertinggal dengan nama snapshot; jalankan perintah lagi setelah jaringan kembali (proses berikutnya membersihkan unggahan yang belum selesai)",
		},
		"store.hint.config":      {"correct the setting named above", "perbaiki pengaturan yang disebut di atas"},
		"store.hint.too-large":   {"the object is larger than one upload can hold", "objek lebih besar daripada yang dapat ditampung satu unggahan"},
		"store.hint.unsupported": {"use an S3 bucket for this", "gunakan bucket S3 untuk ini"},
		"store.hint.server":      {"try again later; if it keeps happening, ask the provider of the object storage", "coba lagi nanti; jika terus terjadi, tanyakan penyedia object storage"},
		"store.hint.integrity": {
			"run the command again; if it keeps happening, the server or a proxy on the way is corrupting data",
			"jalankan perintah lagi; jika terus terjadi, server atau proxy di tengah jalan merusak data",
		},

		// snapshot, list, verify, prune in a bucket.
		"snapshot.abortedupload": {"removed unfinished uploads left by an interrupted run: %s", "menghapus unggahan belum selesai dari proses yang terhenti: %s"},
		"snapshot.locked":        {"  locked until %s (%s mode): nobody can delete or overwrite it before then", "  terkunci sampai %s (mode %s): tidak ada yang dapat menghapus atau menimpanya sebelum itu"},
		"list.tampered": {
			"%d snapshot name(s) were deleted or overwritten in the bucket after efbackup wrote them",
			"%d nama snapshot dihapus atau ditimpa di bucket setelah efbackup menulisnya",
		},
		"list.tamperedcell": {"TAMPERED", "DIUTAK-ATIK"},
		"list.lockedcell":   {"locked to %s", "terkunci s.d. %s"},
		"tamper.deleted": {
			"TAMPERED %s: someone deleted this name after efbackup wrote it (%d later version(s), the newest a delete marker); efbackup read the version it wrote",
			"DIUTAK-ATIK %s: seseorang menghapus nama ini setelah efbackup menulisnya (%d versi kemudian, yang terbaru delete marker); efbackup membaca versi yang ditulisnya",
		},
		"tamper.overwritten": {
			"TAMPERED %s: someone wrote over this name after efbackup wrote it (%d later version(s)); efbackup read the version it wrote",
			"DIUTAK-ATIK %s: seseorang menimpa nama ini setelah efbackup menulisnya (%d versi kemudian); efbackup membaca versi yang ditulisnya",
		},
		"verify.tamperedfound": {
			"%d snapshot name(s) were deleted or overwritten in the bucket after efbackup wrote them",
			"%d nama snapshot dihapus atau ditimpa di bucket setelah efbackup menulisnya",
		},
		"hint.tampered": {
			"someone with access to the bucket tried to remove or replace snapshots: check who holds its keys, and change them",
			"seseorang dengan akses ke bucket mencoba menghapus atau mengganti snapshot: periksa siapa yang memegang kuncinya, dan ganti kuncinya",
		},
		"prune.lockeduntil":   {"locked until %s", "terkunci sampai %s"},
		"prune.tampered":      {"TAMPERED", "DIUTAK-ATIK"},
		"prune.lockedsummary": {"%d snapshot(s) kept because their Object Lock retention has not passed; they are removed once it has", "%d snapshot disimpan karena retensi Object Lock-nya belum lewat; snapshot itu dihapus setelah lewat"},
		"reason.locked":       {"locked", "terkunci"},

		// copy.
		"copy.usage": {"copy a snapshot off-site (to an S3 bucket) and check the copy", "salin snapshot ke luar lokasi (ke bucket S3) dan periksa salinannya"},
		"copy.description": {
			"copy sends a snapshot, its sidecar and the engine's proof (when there is one) to another place, usually\n" +
				"s3://BUCKET/PREFIX, and then reads the copy back in full: its bytes must equal the original's and it\n" +
				"must verify. With --lock-days the copy is locked for that many days.",
			"copy mengirim snapshot, file pendampingnya dan bukti engine (jika ada) ke tempat lain, biasanya\n" +
				"s3://BUCKET/PREFIX, lalu membaca kembali salinannya sepenuhnya: byte-nya harus sama dengan aslinya dan\n" +
				"harus lolos verifikasi. Dengan --lock-days salinan dikunci selama sekian hari.",
		},
		"progress.copy":    {"copy %s", "salin %s"},
		"copy.done":        {"copied %s to %s: %s in %.1f s", "menyalin %s ke %s: %s dalam %.1f detik"},
		"copy.already":     {"already there: %s holds the same bytes", "sudah ada: %s berisi byte yang sama"},
		"copy.verified":    {"the copy was read back in full: the same bytes as the original, and it verifies", "salinan dibaca kembali sepenuhnya: byte sama dengan aslinya, dan lolos verifikasi"},
		"copy.differs":     {"the copy at %s does not hold the bytes of %s", "salinan di %s tidak berisi byte yang sama dengan %s"},
		"hint.copydiffers": {"run the copy again; if it keeps happening, something on the way is corrupting data", "jalankan copy lagi; jika terus terjadi, ada yang merusak data di tengah jalan"},
		"copy.damaged": {
			"%s does not verify (%d problem(s)); the copy holds the same bytes",
			"%s tidak lolos verifikasi (%d masalah); salinannya berisi byte yang sama",
		},

		// doctor.
		"doctor.offsite":        {"Off-site: %s", "Di luar lokasi: %s"},
		"doctor.offsite.error":  {"could not be read: %s", "tidak dapat dibaca: %s"},
		"doctor.offsite.status": {"versioning: %s; Object Lock: %s", "versioning: %s; Object Lock: %s"},
		"doctor.offsite.yes":    {"on", "aktif"},
		"doctor.offsite.no":     {"OFF", "MATI"},
		"doctor.offsite.none":   {"no efbackup snapshot there", "tidak ada snapshot efbackup di sana"},
		"doctor.offsite.install": {
			"%s: %d snapshot(s), newest %s (%s)",
			"%s: %d snapshot, terbaru %s (%s)",
		},
		"doctor.offsite.newest": {
			"off-site snapshots: %d, newest %s (%s) in %s",
			"snapshot di luar lokasi: %d, terbaru %s (%s) di %s",
		},
		"doctor.offsite-unreadable": {"the bucket %s could not be read: %s", "bucket %s tidak dapat dibaca: %s"},
		"doctor.next.offsite-unreadable": {
			"check the keys, the endpoint and the network with efbackup list --out %s --no-verify",
			"periksa kunci, endpoint dan jaringan dengan efbackup list --out %s --no-verify",
		},
		"doctor.offsite-no-versioning": {
			"the bucket of %s has no versioning: a delete or an overwrite of a snapshot there cannot be undone",
			"bucket untuk %s tidak memakai versioning: penghapusan atau penimpaan snapshot di sana tidak dapat dibatalkan",
		},
		"doctor.next.offsite-no-versioning": {
			"enable versioning on the bucket of %s (AWS: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled; other services: their console)",
			"aktifkan versioning pada bucket untuk %s (AWS: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled; layanan lain: konsolnya)",
		},
		"doctor.offsite-no-object-lock": {
			"the bucket of %s has no Object Lock: whoever holds its keys (ransomware on this computer too) can delete the snapshots there",
			"bucket untuk %s tidak memakai Object Lock: siapa pun yang memegang kuncinya (termasuk ransomware di komputer ini) dapat menghapus snapshot di sana",
		},
		"doctor.next.offsite-no-object-lock": {
			"most services let Object Lock be chosen only when a bucket is created: create a new bucket with versioning and Object Lock (AWS: aws s3api create-bucket --bucket NAME --object-lock-enabled-for-bucket), snapshot into it with --lock-days N, and retire %s",
			"kebanyakan layanan hanya mengizinkan Object Lock dipilih saat bucket dibuat: buat bucket baru dengan versioning dan Object Lock (AWS: aws s3api create-bucket --bucket NAMA --object-lock-enabled-for-bucket), buat snapshot ke sana dengan --lock-days N, lalu pensiunkan %s",
		},
		"doctor.offsite-tampered": {
			"%d snapshot name(s) were deleted or overwritten after efbackup wrote them: %s",
			"%d nama snapshot dihapus atau ditimpa setelah efbackup menulisnya: %s",
		},
		"doctor.next.offsite-tampered": {
			"someone with the bucket's keys tried to remove or replace snapshots in %s: change the keys; efbackup still reads the versions it wrote",
			"seseorang dengan kunci bucket mencoba menghapus atau mengganti snapshot di %s: ganti kuncinya; efbackup tetap membaca versi yang ditulisnya",
		},

		// schedule.
		"schedule.note.s3env": {
			"note: the scheduled run does not see this shell's AWS_ACCESS_KEY_ID: put the keys in a profile of ~/.aws/credentials and install the schedule with --s3-profile NAME (the keys are never written into the schedule)",
			"catatan: proses terjadwal tidak melihat AWS_ACCESS_KEY_ID dari shell ini: simpan kunci di profil ~/.aws/credentials lalu pasang jadwal dengan --s3-profile NAMA (kunci tidak pernah ditulis ke jadwal)",
		},
		"schedule.note.s3profile": {
			"note: the scheduled run reads its S3 keys from the profile named in its command line; the keys are never written into the schedule",
			"catatan: proses terjadwal membaca kunci S3 dari profil yang disebut di baris perintahnya; kunci tidak pernah ditulis ke jadwal",
		},
	} {
		messages[k] = v
	}
}

package i18n

// What a snapshot store (a folder or an S3 bucket) says went wrong, as
// the detail of its errors (store.Error): the commands put it after the
// kind of failure (store.err.*). The English wording is the error's
// Detail, which scripts and logs see. An operating system's or a server's
// own text is a value here, shown as it is.
func init() {
	for k, v := range map[string]msg{
		// Any store.
		"store.detail.notfound":    {"not found", "tidak ditemukan"},
		"store.detail.exists":      {"already exists", "sudah ada"},
		"store.detail.interrupted": {"interrupted", "dihentikan"},
		"store.detail.lockname":    {"the name is the lock's", "nama itu dipakai oleh file kunci"},

		// Names of objects and prefixes.
		"store.detail.name.empty":     {"empty name", "nama kosong"},
		"store.detail.name.dot":       {"name %q is not a file name", "nama %q bukan nama file"},
		"store.detail.name.long":      {"name longer than %d bytes", "nama lebih panjang dari %d byte"},
		"store.detail.name.utf8":      {"name %q is not valid UTF-8", "nama %q bukan UTF-8 yang sah"},
		"store.detail.name.separator": {"name %q holds a path separator", "nama %q berisi pemisah path"},
		"store.detail.name.control":   {"name %q holds a control character", "nama %q berisi karakter kontrol"},

		// A folder.
		"store.detail.notregular": {"not a regular file", "bukan file biasa"},
		"store.detail.noversions": {"a folder keeps no versions", "folder tidak menyimpan versi"},
		"store.detail.folderretention": {
			"a folder cannot hold an Object Lock retention; only an S3 bucket can",
			"folder tidak dapat menyimpan retensi Object Lock; hanya bucket S3 yang bisa",
		},
		"store.detail.beingwritten": {
			"is being written by another process, or was left half-written by one that stopped",
			"sedang ditulis oleh proses lain, atau tertinggal setengah tertulis oleh proses yang berhenti",
		},

		// S3 settings: the URL, the keys, the endpoint, the CA bundle.
		"store.detail.url.scheme":  {"%q is not an s3:// URL", "%q bukan URL s3://"},
		"store.detail.url.bucket":  {"%q: bucket name %q: %v", "%q: nama bucket %q: %v"},
		"store.detail.url.prefix":  {"%q: %v", "%q: %v"},
		"store.detail.prefix.part": {"prefix %q has an empty, \".\" or \"..\" part", "prefix %q berisi bagian kosong, \".\" atau \"..\""},
		"store.detail.prefix.name": {"prefix %q: %v", "prefix %q: %v"},
		"store.detail.credfile":    {"cannot read the credentials file %s: %v", "file kredensial %s tidak dapat dibaca: %v"},
		"store.detail.conffile":    {"cannot read the config file %s: %v", "file konfigurasi %s tidak dapat dibaca: %v"},
		"store.detail.profilemissing": {
			"profile %q is in neither %s nor %s",
			"profil %q tidak ada di %s maupun di %s",
		},
		"store.detail.nosecret": {
			"AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
			"AWS_ACCESS_KEY_ID diatur tetapi AWS_SECRET_ACCESS_KEY tidak",
		},
		"store.detail.profilenokeys": {
			"profile %q has no aws_access_key_id and aws_secret_access_key",
			"profil %q tidak berisi aws_access_key_id dan aws_secret_access_key",
		},
		"store.detail.nocredentials": {
			"no S3 credentials: neither AWS_ACCESS_KEY_ID nor a profile in %s",
			"tidak ada kunci S3: tidak ada AWS_ACCESS_KEY_ID maupun profil di %s",
		},
		"store.detail.addressing":     {"addressing %q is neither %q nor %q", "addressing %q bukan %q maupun %q"},
		"store.detail.cabundle.read":  {"cannot read the CA bundle %s (AWS_CA_BUNDLE): %v", "CA bundle %s (AWS_CA_BUNDLE) tidak dapat dibaca: %v"},
		"store.detail.cabundle.nopem": {"the CA bundle %s (AWS_CA_BUNDLE) holds no PEM certificate", "CA bundle %s (AWS_CA_BUNDLE) tidak berisi sertifikat PEM"},
		"store.detail.endpoint.parse": {"endpoint %q: %v", "endpoint %q: %v"},
		"store.detail.endpoint.scheme": {
			"endpoint %q: use https:// (or http:// on a trusted network)",
			"endpoint %q: gunakan https:// (atau http:// pada jaringan tepercaya)",
		},
		"store.detail.endpoint.path": {
			"endpoint %q: give only the scheme, host and port, like https://s3.example.com:9000",
			"endpoint %q: berikan hanya skema, host dan port, seperti https://s3.example.com:9000",
		},
		"store.detail.partsize":  {"part size %d is below S3's minimum of 5 MiB", "ukuran part %d di bawah batas minimum S3 yaitu 5 MiB"},
		"store.detail.heartbeat": {"heartbeat %s is not below the staleness %s", "heartbeat %s tidak lebih kecil dari batas kedaluwarsa kunci %s"},
		"store.detail.lockmode":  {"lock mode %q is neither %q nor %q", "mode kunci %q bukan %q maupun %q"},

		// What an S3 server answered.
		"store.detail.objectlocked":  {"refused: the object is protected by Object Lock", "ditolak: objek dilindungi oleh Object Lock"},
		"store.detail.accessdenied":  {"access denied (the key may not do this here)", "akses ditolak (kunci ini tidak diizinkan melakukannya di sini)"},
		"store.detail.unknownkey":    {"the server does not know this access key", "server tidak mengenal access key ini"},
		"store.detail.badsecret":     {"the secret key does not match the access key", "secret key tidak cocok dengan access key"},
		"store.detail.badtoken":      {"the session token (AWS_SESSION_TOKEN) has expired or is invalid", "session token (AWS_SESSION_TOKEN) sudah kedaluwarsa atau tidak sah"},
		"store.detail.nobucket":      {"bucket %q does not exist", "bucket %q tidak ada"},
		"store.detail.uploadaborted": {"the upload was aborted meanwhile (a cleanup by another efbackup run?)", "unggahan sudah dibatalkan sementara itu (dibersihkan oleh proses efbackup lain?)"},
		"store.detail.noobjectlock":  {"bucket %q has no Object Lock: %s", "bucket %q tidak memakai Object Lock: %s"},
		"store.detail.cannotlock": {
			"bucket %q has no Object Lock, so the snapshot cannot be locked",
			"bucket %q tidak memakai Object Lock, jadi snapshot tidak dapat dikunci",
		},
		"store.detail.region": {
			"the bucket is in another region: set AWS_REGION to the bucket's region",
			"bucket berada di region lain: atur AWS_REGION ke region bucket",
		},
		"store.detail.regionnamed": {
			"the bucket is in another region: set AWS_REGION to the bucket's region (%s)",
			"bucket berada di region lain: atur AWS_REGION ke region bucket (%s)",
		},
		"store.detail.toolarge":             {"the object is too large for the server", "objek terlalu besar untuk server"},
		"store.detail.toomanyparts":         {"more than %d parts of %d MiB", "lebih dari %d part berukuran %d MiB"},
		"store.detail.partsmissing":         {"%d of %d parts uploaded", "%d dari %d part terunggah"},
		"store.detail.baddigest":            {"the server received other bytes than were sent", "server menerima byte yang berbeda dari yang dikirim"},
		"store.detail.answered":             {"the server answered %s: %s", "server menjawab %s: %s"},
		"store.detail.http":                 {"the server failed (HTTP %d)", "server gagal (HTTP %d)"},
		"store.detail.replaced":             {"replaced while being read", "diganti saat sedang dibaca"},
		"store.detail.retention.unreadable": {"unreadable retention: %v", "retensi tidak terbaca: %v"},
		"store.detail.retention.date":       {"unreadable retention date %q", "tanggal retensi tidak terbaca: %q"},

		// Reaching an S3 server.
		"store.detail.dns":           {"the server name %q could not be found", "nama server %q tidak ditemukan"},
		"store.detail.tls.authority": {"the certificate of %s is not signed by a trusted authority", "sertifikat %s tidak ditandatangani oleh otoritas tepercaya"},
		"store.detail.tls.name":      {"the certificate of %s is for another name", "sertifikat %s dibuat untuk nama lain"},
		"store.detail.tls.invalid":   {"the certificate of %s is invalid or expired", "sertifikat %s tidak sah atau sudah kedaluwarsa"},
		"store.detail.nothttps":      {"%s does not speak https (an http:// endpoint?)", "%s tidak memakai https (endpoint http://?)"},
		"store.detail.refused":       {"nothing answers at %s (connection refused)", "tidak ada yang menjawab di %s (koneksi ditolak)"},
		"store.detail.noroute":       {"%s cannot be reached (no route)", "%s tidak dapat dijangkau (tidak ada rute)"},
		"store.detail.silent":        {"the connection to %s went silent", "koneksi ke %s berhenti merespons"},
		"store.detail.brokeoff":      {"the connection to %s broke off", "koneksi ke %s terputus"},
		"store.detail.midway":        {"the connection was lost in the middle: %s", "koneksi terputus di tengah jalan: %s"},

		// The commands' own store failures.
		"store.detail.nameobject":       {"name the snapshot: s3://BUCKET/PREFIX/NAME.tar.zst", "sebutkan snapshotnya: s3://BUCKET/PREFIX/NAMA.tar.zst"},
		"store.detail.copysnapshotname": {"another snapshot already has this name there", "snapshot lain sudah memakai nama ini di sana"},
		"store.detail.copyfilename":     {"another file already has this name there", "file lain sudah memakai nama ini di sana"},
	} {
		messages[k] = v
	}
}

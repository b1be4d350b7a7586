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
	} {
		messages[k] = v
	}
}

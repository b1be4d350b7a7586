package migrate

import "github.com/efbackup/efbackup/install"

// Install detection lives in package install; these names keep the
// migration's own vocabulary.
type (
	Install         = install.Install
	NotInstallError = install.NotInstallError
)

// UnknownVersion is what detection reports when no marker is found.
const UnknownVersion = install.UnknownVersion

// Detect looks at dir and says whether it is an e-Faktur install.
func Detect(dir string) (*Install, error) { return install.Detect(dir) }

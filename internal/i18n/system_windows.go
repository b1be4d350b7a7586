package i18n

import "golang.org/x/sys/windows"

// systemLanguage asks Windows for the user's preferred UI language, since
// Windows users rarely have LANG set.
func systemLanguage() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}

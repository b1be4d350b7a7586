// Package crypt encrypts and decrypts efbackup snapshots with age
// (age-encryption.org/v1), so that an encrypted snapshot NAME.tar.zst.age
// opens with efbackup or with the age command alone:
//
//	age -d -i key.txt NAME.tar.zst.age | tar --zstd -xf -
//
// The PC that makes backups holds no secret: a scheduled run encrypts to
// public keys (X25519, "age1…") only, and the identity files that hold the
// secret keys live elsewhere, with a printed recovery sheet. A passphrase
// (scrypt) is the other way in, for people who make a snapshot by hand: age
// allows it only as the one and only recipient of a file.
//
// Every problem has a Kind. Damage (a file cut short, a changed header or
// chunk, bytes added, a file that is not age at all) comes as a
// *DamageError; a key that is missing or does not fit comes as a *KeyError,
// so that commands can tell "the snapshot is damaged" from "bring the right
// key". The header is checked without any key (InspectHeader, InspectFile),
// within strict bounds, before a key is tried or scrypt does any work.
//
// The package never prints and never exits, and no error it returns holds
// key material or plaintext.
package crypt

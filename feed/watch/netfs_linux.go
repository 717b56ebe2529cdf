package watch

import "syscall"

// networkFS names the network file system path is on, or returns "": on
// those, inotify sees only this machine's changes. The numbers are the
// statfs magic numbers of linux/magic.h; the field is signed or not, 32
// or 64 bits wide, by architecture, so only its low 32 bits are compared.
func networkFS(path string) string {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return ""
	}
	switch uint32(st.Type) {
	case 0x6969:
		return "NFS"
	case 0x517b:
		return "SMB"
	case 0xff534d42:
		return "CIFS"
	case 0xfe534d42:
		return "SMB2"
	case 0x01021997:
		return "9p"
	case 0x5346414f:
		return "AFS"
	case 0x00c36400:
		return "Ceph"
	}
	return ""
}

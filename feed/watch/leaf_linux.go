package watch

import "golang.org/x/sys/unix"

// leafDir reports whether the directory at path has no subdirectory, as
// its link count tells on the file systems that keep it at two plus one
// for each subdirectory: ext2/3/4, XFS and tmpfs. Elsewhere it is false,
// and the directory is listed: Btrfs counts one link, and network file
// systems may keep no count at all.
func leafDir(path string) bool {
	var fs unix.Statfs_t
	if unix.Statfs(path, &fs) != nil || !countsSubdirs(uint32(fs.Type)) {
		return false
	}
	var st unix.Stat_t
	return unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR && st.Nlink == 2
}

// countsSubdirs reports whether a file system of the type statfs gives
// keeps a directory's link count at two plus its subdirectories.
func countsSubdirs(fsType uint32) bool {
	switch fsType {
	case 0xef53, 0x58465342, 0x01021994: // ext2/3/4, XFS, tmpfs
		return true
	}
	return false
}

package safefile

import "io/fs"

// TypeUnknown is the type Dirents gives an entry whose type the file
// system did not give.
const TypeUnknown = fs.ModeIrregular | fs.ModeTemporary

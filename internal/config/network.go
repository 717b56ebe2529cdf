package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DefaultCacheSize is how large the cache of fetched documents may grow
// when the config does not say: 256 MiB.
const DefaultCacheSize = 256 << 20

// minCacheSize is the least cache_size accepted; less would evict a
// document before it is read back.
const minCacheSize = 1 << 20

// Network holds the config's top-level keys about the network and the
// cache:
//
//	allow_private_addresses = true
//	cache_size = "512MiB"
type Network struct {
	// AllowPrivateAddresses lets a link in an article, a redirect or a
	// discovered feed lead to a loopback, private, link-local or
	// unspecified address even when the source that carried it is not on
	// one. Sources the user typed or configured are always fetched.
	AllowPrivateAddresses bool `toml:"allow_private_addresses,omitempty"`
	// CacheSize caps the cache of fetched documents, such as "256MiB",
	// "1GiB" or "500MB"; empty means DefaultCacheSize.
	CacheSize string `toml:"cache_size,omitempty"`
}

// CacheBytes returns the cache cap in bytes.
func (n Network) CacheBytes() (int64, error) {
	if strings.TrimSpace(n.CacheSize) == "" {
		return DefaultCacheSize, nil
	}
	b, err := ParseSize(n.CacheSize)
	if err != nil {
		return 0, fmt.Errorf("cache_size: %w", err)
	}
	if b < minCacheSize {
		return 0, fmt.Errorf("cache_size: %q is less than the least, 1MiB", n.CacheSize)
	}
	return b, nil
}

// check validates the network keys; a wrong cache_size is named.
func (n Network) check() error {
	_, err := n.CacheBytes()
	return err
}

// sizeUnits are the units ParseSize knows, by their lower-case names.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1000, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1000 * 1000, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1000 * 1000 * 1000, "gib": 1 << 30,
}

// ParseSize reads a byte size such as "256MiB", "1.5 GiB", "500MB" or
// "1048576": binary units (KiB, MiB, GiB, or K, M, G) count in 1024s,
// decimal ones (KB, MB, GB) in 1000s.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	mult, ok := sizeUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("%q is not a size such as \"256MiB\"", clipValue(s))
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size such as \"256MiB\"", clipValue(s))
	}
	if v*float64(mult) > 1<<50 {
		return 0, errors.New("size is too large")
	}
	return int64(v * float64(mult)), nil
}

// clipValue shortens a value quoted in an error.
func clipValue(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}

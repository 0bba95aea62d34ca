package profile

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// fdFromFixture converts one file_descriptors entry of a golden fixture
// record into an FD.
func fdFromFixture(num int64, raw map[string]json.RawMessage) (FD, error) {
	fd := FD{Num: num}
	u := func(key string) (uint64, error) {
		v, ok := raw[key]
		if !ok {
			return 0, nil
		}
		return strconv.ParseUint(string(v), 10, 64)
	}
	s := func(key string) (string, error) {
		v, ok := raw[key]
		if !ok {
			return "", nil
		}
		var out string
		err := json.Unmarshal(v, &out)
		return out, err
	}
	var err error
	var x uint64
	if x, err = u("type"); err != nil {
		return fd, fmt.Errorf("type: %w", err)
	}
	fd.Type = uint8(x)
	if x, err = u("flags"); err != nil {
		return fd, fmt.Errorf("flags: %w", err)
	}
	fd.Flags = uint32(x)
	if x, err = u("dev"); err != nil {
		return fd, fmt.Errorf("dev: %w", err)
	}
	fd.Dev = uint32(x)
	if fd.Ino, err = u("ino"); err != nil {
		return fd, fmt.Errorf("ino: %w", err)
	}
	if fd.Name, err = s("name"); err != nil {
		return fd, fmt.Errorf("name: %w", err)
	}
	if fd.NameRaw, err = s("name_raw"); err != nil {
		return fd, fmt.Errorf("name_raw: %w", err)
	}
	return fd, nil
}

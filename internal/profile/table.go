package profile

// fieldTable is every field a profile may use, in documentation order.
var fieldTable = joinTables(procFields, parentFields, leaderFields,
	lineageFields, threadFields, fdFields)

// fieldIndex maps a field name to its descriptor in fieldTable.
var fieldIndex = indexFields(fieldTable)

// joinTables concatenates the field tables into a new slice.
func joinTables(tables ...[]Field) []Field {
	var out []Field
	for _, t := range tables {
		out = append(out, t...)
	}
	return out
}

// indexFields maps names to descriptors. A name defined twice keeps its
// first descriptor; a test makes sure there is none.
func indexFields(fields []Field) map[string]*Field {
	m := make(map[string]*Field, len(fields))
	for i := range fields {
		if _, dup := m[fields[i].Name]; !dup {
			m[fields[i].Name] = &fields[i]
		}
	}
	return m
}

// Fields returns a copy of the descriptors of every supported field, in
// documentation order, for generating documentation and schemas.
func Fields() []Field {
	return append([]Field(nil), fieldTable...)
}

// LookupField returns the descriptor of the named field (without any
// argument: "proc.aname", not "proc.aname[2]"). The descriptor is shared
// and must not be modified.
func LookupField(name string) (*Field, bool) {
	f, ok := fieldIndex[name]
	return f, ok
}

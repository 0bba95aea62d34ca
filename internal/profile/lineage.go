package profile

// lineageFields join a value of the process and of up to N ancestors,
// nearest first: custom.proc.aname.lineage.join[2] on a shell started by
// sshd renders "bash|sshd|systemd". They are the prototype's custom
// fields with two differences, both deliberate:
//
//   - The walk is libsinsp's ancestor walk (the values are those of
//     proc.aname[0] to proc.aname[N]), where the prototype followed the
//     event thread's own ptid chain.
//   - Values are separated by LineageSep, with LineageSep and
//     LineageEscape inside a value escaped, so different lineages never
//     render alike; the prototype concatenated them with no separator.
//
// The walk stops after the entry whose tid is 1 (init), and at the first
// missing entry, whose value and those above it are left out (the
// prototype appended "" for them). With no main thread there is no value.
var lineageFields = []Field{
	{Name: "custom.proc.aname.lineage.join", Arg: ArgIndexRequired, Walk: WalkAncestor,
		Needs: NeedComm, Eval: lineage(commOf),
		Desc: "Names of the process and of up to N ancestors, " +
			"separated by |."},
	{Name: "custom.proc.aexe.lineage.join", Arg: ArgIndexRequired, Walk: WalkAncestor,
		Needs: NeedExe, Eval: lineage(exeOf),
		Desc: "argv[0] of the process and of up to N ancestors, " +
			"separated by |."},
	{Name: "custom.proc.aexepath.lineage.join", Arg: ArgIndexRequired, Walk: WalkAncestor,
		Needs: NeedExePath, Eval: lineage(exePathOf),
		Desc: "Executable paths of the process and of up to N " +
			"ancestors, separated by |."},
}

// lineage builds the Eval of a lineage join of get.
func lineage(get func(*Thread) string) evalFunc {
	return func(c *Ctx, a Arg, dst []byte) ([]byte, bool) {
		t := c.ancestor0()
		if t == nil {
			return dst, false
		}
		t.Load(c.need)
		dst = appendEscaped(dst, get(t))
		for i := 0; i < a.Index && t.Tid != 1; i++ {
			t = c.nextAncestor(i, t)
			if t == nil {
				break
			}
			t.Load(c.need)
			dst = append(dst, LineageSep)
			dst = appendEscaped(dst, get(t))
		}
		return dst, true
	}
}

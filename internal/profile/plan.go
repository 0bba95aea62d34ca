package profile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/falco-anomalydetection/anomalydetection/internal/event"
)

// Errors returned by Compile and CheckEvent, wrapped with the token or
// field at fault; test for them with errors.Is.
var (
	// ErrEmpty means the fields string holds no field.
	ErrEmpty = errors.New("no fields")
	// ErrMalformed means a token is not %name or %name[arg].
	ErrMalformed = errors.New("malformed field")
	// ErrUnknownField means no field has that name.
	ErrUnknownField = errors.New("unknown field")
	// ErrArgument means the argument does not fit the field: one where
	// the field takes none, none where it needs an index, or an index
	// that is not decimal without leading zeros from 0 to MaxWalk.
	ErrArgument = errors.New("bad argument")
	// ErrEvent means a field cannot be evaluated on an event type.
	ErrEvent = errors.New("cannot be evaluated")
)

// The argument problems Compile reports, all matching ErrArgument.
var (
	errNoArgument = argError("takes no argument")
	errNeedsIndex = argError("needs an index argument")
	errBadIndex   = argError(fmt.Sprintf("needs an index from 0 to %d, "+
		"in decimal without leading zeros", MaxWalk))
)

// argError is an argument problem; it matches ErrArgument.
type argError string

// Error returns the problem, as in "takes no argument".
func (e argError) Error() string { return string(e) }

// Is makes every argError match ErrArgument.
func (e argError) Is(target error) bool { return target == ErrArgument }

// item is one compiled field of a plan.
type item struct {
	f    *Field
	arg  Arg
	text string // the field as written, without '%': "proc.aname[2]"
}

// Plan is a compiled behavior profile: the fields of a fields string, in
// order, ready to render. A Plan is immutable and safe for concurrent use;
// the Ctx it renders with is not.
type Plan struct {
	items   []item
	needs   Need
	depth   int
	leaders bool
	fd      bool
	// stateOnly is how many leading items render from the threads table
	// alone; tailNeeds what the other items read of the event thread.
	stateOnly int
	tailNeeds Need
	fdNeeds   FDNeed
}

// Compile parses a behavior-profile fields string such as
// "%container.id %proc.name %proc.aname[2]". Fields are separated by white
// space; each is % followed by a field name and, where the field takes
// one, an argument in brackets: an index (decimal, no leading zeros, at
// most MaxWalk) or, for proc.env, a variable name. Any other text is an
// error naming it, as are unknown fields and arguments that do not fit.
// The same field may appear more than once.
func Compile(fields string) (*Plan, error) {
	toks := strings.Fields(fields)
	if len(toks) == 0 {
		return nil, ErrEmpty
	}
	p := &Plan{items: make([]item, 0, len(toks))}
	for _, tok := range toks {
		it, err := compileToken(tok)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, it)
		p.needs |= it.f.Needs | it.f.EventNeeds
		p.fdNeeds |= it.f.FDNeeds
		p.noteWalk(it)
	}
	for p.stateOnly < len(p.items) && !p.items[p.stateOnly].fromEvent() {
		p.stateOnly++
	}
	for _, it := range p.items[p.stateOnly:] {
		if isFDField(it.f.Name) {
			// The fd fields read the thread only when the fd table has
			// no entry for the event's fd, and load what they read then.
			continue
		}
		p.tailNeeds |= it.f.Needs | it.f.EventNeeds
	}
	return p, nil
}

// fromEvent reports whether the item's value depends on the event and
// not only on the threads table: the fields that say so, the fields
// restricted to some events, and the fd fields (which read the event's
// fd and parameters).
func (it *item) fromEvent() bool {
	return it.f.FromEvent || it.f.Events != nil || isFDField(it.f.Name)
}

func isFDField(name string) bool {
	return strings.HasPrefix(name, "fd.") || strings.HasPrefix(name, "custom.fd.")
}

// StateOnly returns how many leading fields of p render from the threads
// table alone, so that their rendering holds as long as the table does
// (see RenderFrom), and what the remaining fields read of the event
// thread's entry up front (the fd fields load what they need on demand).
func (p *Plan) StateOnly() (n int, tail Need) { return p.stateOnly, p.tailNeeds }

// FDNeeds returns what the plan's fd fields read of the event's fd table
// entry besides its type.
func (p *Plan) FDNeeds() FDNeed { return p.fdNeeds }

// UsesFD reports whether the plan has fd fields, which read the event's
// fd from the thread's fd table.
func (p *Plan) UsesFD() bool { return p.fd }

// noteWalk records how far up the tree the plan reads, and whether it
// reads the fd table.
func (p *Plan) noteWalk(it item) {
	if isFDField(it.f.Name) {
		p.fd = true
	}
	switch it.f.Walk {
	case WalkParent:
		p.depth = max(p.depth, 1)
	case WalkAncestor:
		p.depth = max(p.depth, it.arg.Index)
	case WalkLeader:
		p.leaders = true
	}
}

// Depth returns how many ancestors the plan reads at most (proc.pname
// reads 1, proc.aname[3] reads 3), and whether it reads the session or
// process-group leader: what a State may fetch ahead of rendering.
func (p *Plan) Depth() (ancestors int, leaders bool) { return p.depth, p.leaders }

// compileToken compiles one %name or %name[arg] token.
func compileToken(tok string) (item, error) {
	name, arg, hasArg, ok := splitToken(tok)
	if !ok {
		return item{}, fmt.Errorf("%w %q", ErrMalformed, tok)
	}
	f, found := fieldIndex[name]
	if !found {
		return item{}, fmt.Errorf("%w %q", ErrUnknownField, name)
	}
	a, err := parseArg(f.Arg, arg, hasArg)
	if err != nil {
		return item{}, fmt.Errorf("field %q %w", name, err)
	}
	return item{f: f, arg: a, text: tok[1:]}, nil
}

// splitToken splits "%name[arg]" into its parts. It fails on a missing
// '%', an empty name or argument, and brackets that are unbalanced, nested
// or followed by more text.
func splitToken(tok string) (name, arg string, hasArg, ok bool) {
	if len(tok) < 2 || tok[0] != '%' {
		return "", "", false, false
	}
	body := tok[1:]
	open := strings.IndexByte(body, '[')
	if open < 0 {
		return body, "", false, !strings.ContainsRune(body, ']')
	}
	name, arg = body[:open], body[open+1:]
	if name == "" || len(arg) < 2 || arg[len(arg)-1] != ']' {
		return "", "", false, false
	}
	arg = arg[:len(arg)-1]
	if strings.ContainsAny(arg, "[]") {
		return "", "", false, false
	}
	return name, arg, true, true
}

// parseArg checks the argument text against what the field takes.
func parseArg(kind ArgKind, text string, has bool) (Arg, error) {
	switch {
	case !has && kind == ArgIndexRequired:
		return Arg{}, errNeedsIndex
	case !has:
		return Arg{}, nil
	case kind == ArgNone:
		return Arg{}, errNoArgument
	case kind == ArgKeyOptional:
		return Arg{Present: true, Key: text}, nil
	}
	n, ok := parseIndex(text)
	if !ok {
		return Arg{}, fmt.Errorf("%w, not %q", errBadIndex, text)
	}
	return Arg{Present: true, Index: n}, nil
}

// parseIndex parses a decimal index without sign or leading zeros, as
// libsinsp writes them, up to MaxWalk.
func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > MaxWalk {
		return 0, false
	}
	return n, true
}

// Len returns the number of fields in p.
func (p *Plan) Len() int { return len(p.items) }

// FieldText returns field i as written, without its '%': "proc.aname[2]".
func (p *Plan) FieldText(i int) string { return p.items[i].text }

// FieldRef names one field of a plan: its name and its index argument
// (0 when it has none).
type FieldRef struct {
	Name  string
	Index int
}

// Fields returns p's fields in order.
func (p *Plan) Fields() []FieldRef {
	out := make([]FieldRef, len(p.items))
	for i := range p.items {
		out[i] = FieldRef{Name: p.items[i].f.Name, Index: p.items[i].arg.Index}
	}
	return out
}

// Needs returns the Thread members that p's fields read, for the host to
// read from its table.
func (p *Plan) Needs() Need { return p.needs }

// String returns the fields string p was compiled from, normalised to
// single spaces.
func (p *Plan) String() string {
	var b strings.Builder
	for i := range p.items {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('%')
		b.WriteString(p.items[i].text)
	}
	return b.String()
}

// CheckEvent returns an error matching ErrEvent, naming the first field
// of p and the event, when that field cannot be evaluated on events with
// the given code.
func (p *Plan) CheckEvent(code uint16) error {
	for i := range p.items {
		f := p.items[i].f
		if f.Events == nil || f.Events(code) {
			continue
		}
		name := event.Name(code)
		if name == "" {
			name = "unknown"
		}
		return fmt.Errorf("field %q %w on %s events (code %d)",
			f.Name, ErrEvent, name, code)
	}
	return nil
}

// Render appends p's profile key for the event in c to dst: each field's
// value, separated by one NUL byte. Values never contain NUL, so the key
// is unambiguous; a field without a value leaves its slot empty. Render
// does not allocate beyond growing dst.
func (p *Plan) Render(dst []byte, c *Ctx) []byte {
	return p.RenderFrom(dst, 0, c)
}

// RenderFrom appends the key from field from on, as Render would after
// rendering the fields before it into dst: Render(dst) equals
// RenderFrom(Render(dst) cut after field from-1, from).
func (p *Plan) RenderFrom(dst []byte, from int, c *Ctx) []byte {
	return p.RenderRange(dst, from, len(p.items), c)
}

// RenderRange appends fields from to to-1 of the key, each but the first
// field of the plan preceded by its NUL separator.
func (p *Plan) RenderRange(dst []byte, from, to int, c *Ctx) []byte {
	for i := from; i < to; i++ {
		if i > 0 {
			dst = append(dst, 0)
		}
		dst, _ = p.RenderField(dst, i, c)
	}
	return dst
}

// RenderField appends the value of field i alone to dst, in libsinsp's
// plain-text form, and reports whether it has one. Without a value dst is
// returned unchanged.
func (p *Plan) RenderField(dst []byte, i int, c *Ctx) ([]byte, bool) {
	it := &p.items[i]
	n := len(dst)
	c.need = it.f.Needs
	out, ok := it.f.Eval(c, it.arg, dst)
	if !ok {
		return out[:n], false
	}
	return out, true
}

// Display appends the display form of a profile key to dst: the values
// separated by single spaces, as anomaly.count_min_sketch.profile shows
// them.
func Display(dst, key []byte) []byte {
	n := len(dst)
	dst = append(dst, key...)
	replaceZero(dst[n:], ' ')
	return dst
}

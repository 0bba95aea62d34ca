package profile

import "github.com/falco-anomalydetection/anomalydetection/internal/event"

// threadFields are the remaining fields of the event thread and of the
// event itself.
var threadFields = []Field{
	{Name: "thread.tid", FromEvent: true, Eval: evalTid,
		Desc: "Thread id of the event, from the event header."},
	{Name: "user.uid", Needs: NeedUID, Eval: read(self, id32(uidOf, MissingUID)),
		Desc: "Effective user id of the thread."},
	{Name: "user.loginuid", Needs: NeedLoginUID,
		Eval: read(self, loginUID), Desc: "Audit login user id of the " +
			"thread, -1 when unset."},
	{Name: "group.gid", Needs: NeedGID, Eval: read(self, id32(gidOf, MissingGID)),
		Desc: "Effective group id of the thread."},
	{Name: "container.id", Needs: NeedContainerID,
		Eval: read(self, containerID),
		Desc: "Container id of the thread, \"host\" outside containers."},
	{Name: "evt.type", FromEvent: true, Eval: evalType,
		Desc: "Event type name, such as execve or openat."},
}

func uidOf(t *Thread) uint32 { return t.UID }
func gidOf(t *Thread) uint32 { return t.GID }

// evalTid renders the event header's tid, as libsinsp's thread.tid does,
// so it has a value even when the table has no entry for the thread.
func evalTid(c *Ctx, _ Arg, dst []byte) ([]byte, bool) {
	if c.Ev == nil {
		return dst, false
	}
	return appendInt(dst, c.Ev.Tid), true
}

// loginUID renders the login uid as libsinsp's user.loginuid, a signed
// number: the kernel's "unset" value 2^32-1 renders as -1.
func loginUID(t *Thread, dst []byte) ([]byte, bool) {
	if t.Missing&MissingLoginUID != 0 {
		return dst, false
	}
	if t.LoginUID == 1<<32-1 {
		return append(dst, "-1"...), true
	}
	return appendUint(dst, uint64(t.LoginUID)), true
}

// containerID renders the container id, or "host" for the empty id that
// host processes have, as libsinsp and the container plugin render it.
// A host that offers no container id at all gives no value.
func containerID(t *Thread, dst []byte) ([]byte, bool) {
	if t.Missing&MissingContainerID != 0 {
		return dst, false
	}
	if t.ContainerID == "" {
		return append(dst, "host"...), true
	}
	return append(dst, t.ContainerID...), true
}

// evalType renders the event type name.
func evalType(c *Ctx, _ Arg, dst []byte) ([]byte, bool) {
	if c.Ev == nil {
		return dst, false
	}
	name := event.Name(c.Ev.Type)
	if name == "" {
		return dst, false
	}
	return append(dst, name...), true
}

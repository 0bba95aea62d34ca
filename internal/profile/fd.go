package profile

// fdFields are the fd.* and custom.fd.* profile fields.
var fdFields []Field

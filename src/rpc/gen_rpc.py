#!/usr/bin/env python3
"""gen_rpc.py: the per-procedure glue of libvirt's RPC, generated from
src/rpc/remote_protocol.x at build time.

Usage:
  gen_rpc.py dispatch PROTOCOL.x DRIVER.h OUT.c OUT.h   server handlers + table
  gen_rpc.py remote PROTOCOL.x DRIVER.h OUT.c OUT.h     client stubs + tables
  gen_rpc.py structs PROTOCOL.x                         layout snapshot (stdout)
  gen_rpc.py check-structs PROTOCOL.x SNAPSHOT STAMP    fail when they differ

Annotations are described at the top of remote_protocol.x.  The driver
entry's C signature is read from src/drivers/driver.h, so the generated
code follows the tables and the compiler checks every call.

How a procedure maps to its driver entry (@driver: TABLE.ENTRY):

 1. The entry's first parameter is the object: `vireo_conn *` (an
    entry that works on the connection) or one of the object KINDS
    below (`vireo_domain *`, `vireo_storage_pool *`, ...), which takes
    the first args field, of the kind's wire type
    (`remote_nonnull_domain dom`, `remote_nonnull_storage_pool pool`).
 2. The remaining parameters, in order:
    - a non-const pointer to a scalar (`int *state`, `unsigned long *v`)
      is an output: it takes the next field of the ret struct;
    - anything else is an input: it takes the next field of the args
      struct.  `const char *` <- remote_nonnull_string (or remote_string,
      NULL allowed); `const unsigned char *` <- remote_uuid; integers <-
      int / unsigned int / hyper fields; an object of a KIND <- its wire
      type (STORAGE_VOL_CREATE_XML_FROM's clone volume);
    - a parameter named `flags` with no args field left is passed as 0
      by the server, a `const char *` as NULL (legacy procedures without
      flags or an optional XML).
 3. The return value:
    - `int`: -1 is an error; when one ret field is left it receives the
      value (is_active -> ret.active), else the value is only a status;
    - `char *` (caller frees): the one ret field left, a string;
    - `const char *` (borrowed): the same, copied by the server; the
      client returns an interned copy (g_intern_string);
    - an object of a KIND (new reference): the one ret field left, of
      the kind's wire type.
    Every args and ret field must be used, or the generator fails.

Access control: every implemented procedure carries "@acl: PERM..."
(libvirt's permissions, "none" for none) and list procedures
"@aclfilter: PERM"; the generator writes them into the dispatch_proc
entry with the offsets of the arguments naming the object (the first
remote_nonnull_<kind>, a `name` string, or the XML whose <name> it is)
and of `flags`, and fails the build when one is missing (acl_fields).

Anything that does not fit is "@generate: none" (or server/client for
one hand-written end): the server handler is dispatch_<proc> in
src/daemon/ (dispatch_special.c, or the object's own file:
dispatch_storage.c, dispatch_secret.c, dispatch_network.c, ...), the
client stub remote_proc_<proc> in src/remote/ (remote_special.c, or
remote_storage.c, remote_secret.c, remote_network.c, ...), both with the
prototypes this script writes into dispatch_gen.h / remote_gen.h.  A
driver entry served by two procedures (DOMAIN_DESTROY and
DOMAIN_DESTROY_FLAGS) takes its client from the one not marked @legacy.
"""

import re
import sys


class Kind:
    """An object the wire names (a key of KINDS: its handle type): its
    wire struct and the helpers that cross between them (dispatch.h,
    remote_priv.h, drivers/handles.h)."""

    def __init__(self, wire, get, put, to_wire, from_wire, unref):
        self.wire = wire            # "remote_nonnull_storage_pool"
        self.get = get              # server: handle (new ref) from the wire
        self.put = put              # server: fill the reply from a handle
        self.to_wire = to_wire      # client: fill the call from a handle
        self.from_wire = from_wire  # client: handle (new ref) from the reply
        self.unref = unref


def _kind(name, wire):
    return Kind(wire, 'dispatch_%s_get' % name, 'dispatch_%s_put' % name,
                'remote_%s_to_wire' % name, 'remote_%s_from_wire' % name,
                '%s_handle_unref' % name)


KINDS = {
    'vireo_domain *': _kind('domain', 'remote_nonnull_domain'),
    'vireo_storage_pool *': _kind('pool', 'remote_nonnull_storage_pool'),
    'vireo_storage_vol *': _kind('vol', 'remote_nonnull_storage_vol'),
    'vireo_secret *': _kind('secret', 'remote_nonnull_secret'),
    'vireo_network *': _kind('network', 'remote_nonnull_network'),
    'vireo_nwfilter *': _kind('nwfilter', 'remote_nonnull_nwfilter'),
    'vireo_interface *': _kind('iface', 'remote_nonnull_interface'),
}

# The member of `struct driver` (drivers/driver.h) holding a table,
# where it is not the table's name: interface_driver is .iface.
MEMBERS = {'interface': 'iface'}

ACRONYMS = {'XML': 'XML', 'UUID': 'UUID', 'ID': 'ID', 'OS': 'OS', 'URI': 'URI'}
SCALARS = {'int', 'unsigned int', 'hyper', 'unsigned hyper', 'char', 'unsigned char',
           'short', 'unsigned short', 'bool'}


class Field:
    def __init__(self, ftype, name, kind, size):
        self.type = ftype      # "int", "remote_nonnull_string", ...
        self.name = name
        self.kind = kind       # "plain", "fixed", "var", "pointer"
        self.size = size       # for fixed / var arrays

    def decl(self):
        if self.kind == 'fixed':
            return '%s %s[%s];' % (self.type, self.name, self.size)
        if self.kind == 'var':
            return '%s %s<%s>;' % (self.type, self.name, self.size)
        if self.kind == 'pointer':
            return '%s *%s;' % (self.type, self.name)
        return '%s %s;' % (self.type, self.name)


class Proc:
    def __init__(self, name, number, notes):
        self.name = name            # "DOMAIN_SUSPEND"
        self.number = number
        self.generate = notes.get('generate')
        self.readonly = 'readonly' in notes
        self.driver = notes.get('driver')
        self.priority = notes.get('priority', 'low')
        self.needs_conn = notes.get('needs_conn', 'yes') != 'no'
        self.legacy = 'legacy' in notes
        self.message = 'message' in notes
        self.acl = notes.get('acl')             # [(perm, flag bits)], None: missing
        self.acl_unset = notes.get('acl_unset') or []   # PERM:!0xBITS masks, per entry
        self.aclfilter = notes.get('aclfilter')
        if self.acl is None and name.startswith('AUTH_'):
            self.acl = []   # authentication runs before anyone is known
        self.lower = name.lower()

    @property
    def implemented(self):
        return self.generate is not None

    def api_name(self):
        words = [ACRONYMS.get(w, w.capitalize()) for w in self.name.split('_')]
        return 'vir' + ''.join(words)


class Protocol:
    def __init__(self, path):
        text = open(path).read()
        self.consts = []
        self.typedefs = []
        self.enums = []
        self.unions = []
        self.structs = {}
        self.struct_order = []
        self.procs = []
        self._parse(text)

    def _parse(self, text):
        # annotations live in comments: collect them before stripping
        enum_m = re.search(r'enum\s+remote_procedure\s*\{(.*?)\};', text, re.S)
        if not enum_m:
            sys.exit('gen_rpc: no enum remote_procedure')
        self._parse_procs(enum_m.group(1))
        body = re.sub(r'/\*.*?\*/', '', text[:enum_m.start()], flags=re.S)
        for m in re.finditer(r'const\s+(\w+)\s*=\s*(\w+)\s*;', body):
            self.consts.append((m.group(1), m.group(2)))
        for m in re.finditer(r'typedef\s+([^;]+);', body):
            self.typedefs.append(' '.join(m.group(1).split()))
        for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\}\s*;', body, re.S):
            values = [' '.join(v.split()) for v in m.group(2).split(',') if v.strip()]
            self.enums.append((m.group(1), values))
        for m in re.finditer(r'union\s+(\w+)\s+switch\s*\(([^)]*)\)\s*\{(.*?)\}\s*;', body, re.S):
            self.unions.append((m.group(1), ' '.join(m.group(2).split()),
                                ' '.join(m.group(3).split())))
        for m in re.finditer(r'struct\s+(\w+)\s*\{(.*?)\}\s*;', body, re.S):
            fields = [self._parse_field(d) for d in m.group(2).split(';') if d.strip()]
            self.structs[m.group(1)] = fields
            self.struct_order.append(m.group(1))

    @staticmethod
    def _parse_field(decl):
        decl = ' '.join(decl.split())
        m = re.match(r'^(.*?)\s*\*\s*(\w+)$', decl)
        if m:
            return Field(m.group(1), m.group(2), 'pointer', None)
        m = re.match(r'^(.*\S)\s+(\w+)\s*\[\s*(\w+)\s*\]$', decl)
        if m:
            return Field(m.group(1), m.group(2), 'fixed', m.group(3))
        m = re.match(r'^(.*\S)\s+(\w+)\s*<\s*(\w*)\s*>$', decl)
        if m:
            return Field(m.group(1), m.group(2), 'var', m.group(3))
        m = re.match(r'^(.*\S)\s+(\w+)$', decl)
        if not m:
            sys.exit('gen_rpc: cannot read field "%s"' % decl)
        return Field(m.group(1), m.group(2), 'plain', None)

    def _parse_procs(self, body):
        notes = {}
        for m in re.finditer(r'/\*\*(.*?)\*/|REMOTE_PROC_(\w+)\s*=\s*(\d+)', body, re.S):
            if m.group(1) is not None:
                notes = {}
                for n in re.finditer(r'@(\w+)(?::\s*([\w.]+))?', m.group(1)):
                    notes[n.group(1)] = n.group(2) or True
                notes.update(parse_acl(m.group(1)))
                continue
            self.procs.append(Proc(m.group(2), int(m.group(3)), notes))
            notes = {}

    def args(self, proc):
        return self.structs.get('remote_%s_args' % proc.lower)

    def ret(self, proc):
        return self.structs.get('remote_%s_ret' % proc.lower)


ACL_MAX = 3     # DISPATCH_ACL_MAX in src/daemon/dispatch.h
PERM_RE = r'[a-z_]+\.[a-z_]+'


def parse_acl(comment):
    """The @acl and @aclfilter annotations of one comment: acl as
    [(perm, flag bits)] ("none": []), acl_unset as the "!" masks of the same
    entries (0: none), aclfilter as a permission."""
    out = {}
    m = re.search(r'@acl:\s*([^@*]*)', comment)
    if m:
        perms, unset = [], []
        for word in m.group(1).split():
            if word == 'none':
                continue
            w = re.match(r'^(%s)(?::(!?)(0x[0-9a-fA-F]+))?$' % PERM_RE, word)
            if not w:
                sys.exit('gen_rpc: bad @acl permission "%s"' % word)
            bits = int(w.group(3) or '0', 16)
            perms.append((w.group(1), 0 if w.group(2) else bits))
            unset.append(bits if w.group(2) else 0)
        out['acl'] = perms
        out['acl_unset'] = unset
    m = re.search(r'@aclfilter:\s*(%s)' % PERM_RE, comment)
    if m:
        out['aclfilter'] = m.group(1)
    return out


# ---- driver.h ----

class Param:
    def __init__(self, text):
        self.text = ' '.join(text.split())
        m = re.match(r'^(.*?)(\w+)$', self.text)
        if not m or '(' in self.text:
            self.type, self.name = self.text, None
        else:
            self.type = ' '.join(m.group(1).replace('*', ' * ').split()).replace('* *', '**')
            self.name = m.group(2)

    def is_output(self):
        return (self.type.endswith('*') and not self.type.startswith('const')
                and self.type[:-1].strip() in ('int', 'unsigned int', 'unsigned long',
                                               'long', 'unsigned long long', 'long long'))


def split_params(text):
    out, depth, cur = [], 0, ''
    for ch in text:
        if ch == ',' and depth == 0:
            out.append(cur)
            cur = ''
            continue
        depth += (ch == '(') - (ch == ')')
        cur += ch
    if cur.strip():
        out.append(cur)
    return [Param(p) for p in out]


def read_driver(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    tables = {}
    for m in re.finditer(r'typedef\s+struct\s+(\w+)_driver\s*\{(.*?)\}\s*\w+\s*;', text, re.S):
        entries = {}
        for stmt in m.group(2).split(';'):
            e = re.match(r'^\s*(.*?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)\s*$', stmt, re.S)
            if e:
                rtype = ' '.join(e.group(1).replace('*', ' * ').split()).replace('* *', '**')
                entries[e.group(2)] = (rtype, split_params(e.group(3)))
        tables[m.group(1)] = entries
    return tables


def fail(proc, why):
    sys.exit('gen_rpc: %s: %s (mark it "@generate: none" and write it by hand)' % (proc.name, why))


def entry_of(proc, tables):
    table, _, entry = proc.driver.partition('.')
    if table not in tables or entry not in tables[table]:
        fail(proc, 'no driver entry %s' % proc.driver)
    rtype, params = tables[table][entry]
    return table, entry, rtype, params


# ---- mapping one procedure onto its entry ----

class Mapping:
    """Which args/ret field each parameter and the return value take."""

    def __init__(self, proto, proc, tables):
        self.proc = proc
        self.table, self.entry, self.rtype, self.params = entry_of(proc, tables)
        self.args = proto.args(proc) or []
        self.ret = proto.ret(proc) or []
        self.has_args = proto.args(proc) is not None
        self.has_ret = proto.ret(proc) is not None
        self.kind = KINDS.get(self.params[0].type)   # None: on the connection
        if not self.kind and self.params[0].type != 'vireo_conn *':
            fail(proc, 'first parameter is neither vireo_conn * nor an object of KINDS')
        args = list(self.args)
        rets = list(self.ret)
        self.obj_field = None
        if self.kind:
            if not args or args[0].type != self.kind.wire or args[0].kind != 'plain':
                fail(proc, 'entry on an object without a leading %s field' % self.kind.wire)
            self.obj_field = args.pop(0)
        self.inputs = []   # (param, field or None)
        self.outputs = []  # (param, field)
        for p in self.params[1:]:
            if p.name is None:
                fail(proc, 'parameter "%s" does not map to a field' % p.text)
            if p.is_output():
                if not rets or rets[0].type not in SCALARS or rets[0].kind != 'plain':
                    fail(proc, 'output %s has no scalar ret field' % p.name)
                self.outputs.append((p, rets.pop(0)))
            elif args:
                self.inputs.append((p, self.check_input(p, args.pop(0))))
            elif p.name == 'flags' or p.type == 'const char *':
                self.inputs.append((p, None))
            else:
                fail(proc, 'parameter %s has no args field' % p.name)
        if args:
            fail(proc, 'args field %s is not used' % args[0].name)
        self.ret_field = None
        if self.rtype != 'int' or rets:
            if len(rets) != 1:
                fail(proc, 'return value needs exactly one ret field')
            self.ret_field = rets[0]
            self.check_return()

    def check_input(self, p, f):
        ok = {
            'const char *': ('remote_nonnull_string', 'remote_string'),
            'const unsigned char *': ('remote_uuid',),
        }.get(p.type)
        if p.type in KINDS:
            ok = (KINDS[p.type].wire,)
        if ok is None and not p.type.endswith('*'):
            ok = tuple(SCALARS)
        if ok is None or f.type not in ok or f.kind != 'plain':
            fail(self.proc, 'parameter %s (%s) cannot take field %s' % (p.name, p.type, f.decl()))
        return f

    def check_return(self):
        f = self.ret_field
        want = {'int': SCALARS, 'char *': ('remote_nonnull_string',),
                'const char *': ('remote_nonnull_string',)}.get(self.rtype)
        if self.rtype in KINDS:
            want = (KINDS[self.rtype].wire,)
        if want is None or f.type not in want or f.kind != 'plain':
            fail(self.proc, 'return type %s cannot fill %s' % (self.rtype, f.decl()))


def filt(proto_struct, present):
    return '(xdrproc_t)xdr_%s' % proto_struct if present else 'RPC_XDR_VOID'


HEADER = ('/* Generated by src/rpc/gen_rpc.py from src/rpc/remote_protocol.x: '
          'do not edit. */\n')


# ---- the server: dispatch_gen.c ----

def cdecl(ctype, name):
    """A C declaration of name with type ctype ("char *" -> "char *rv")."""
    if ctype.endswith('*'):
        return '%s *%s' % (ctype[:-1].strip(), name)
    return '%s %s' % (ctype, name)


def objects_of(m):
    """The objects a call names: (C variable, type, Kind, args field),
    the entry's first parameter first, then object inputs."""
    out = []
    if m.kind:
        out.append(('obj', m.params[0].type, m.kind, m.obj_field))
    for prm, f in m.inputs:
        if prm.type in KINDS and f is not None:
            out.append(('in_%s' % prm.name, prm.type, KINDS[prm.type], f))
    return out


def server_call_args(m):
    out = ['obj' if m.kind else 'conn']
    inputs = dict((p.name, f) for p, f in m.inputs)
    outputs = dict((p.name, f) for p, f in m.outputs)
    for p in m.params[1:]:
        if p.name in outputs:
            out.append('&o_%s' % p.name)
            continue
        f = inputs[p.name]
        if f is None:
            out.append('NULL' if p.type == 'const char *' else '0')
        elif p.type in KINDS:
            out.append('in_%s' % p.name)
        elif f.type == 'remote_uuid':
            out.append('(const unsigned char *)args->%s' % f.name)
        elif f.type == 'remote_string':
            out.append('args->%s ? *args->%s : NULL' % (f.name, f.name))
        else:
            out.append('args->%s' % f.name)
    return ', '.join(out)


def server_get_objects(objs):
    """Handles for the objects the call names; none leaks when one fails."""
    lines = ['    %s = %s(conn, &args->%s);' % (var, kind.get, f.name)
             for var, _, kind, f in objs]
    if len(objs) == 1:
        return lines + ['    if (!%s)' % objs[0][0], '        return -1;']
    lines.append('    if (%s) {' % ' || '.join('!%s' % o[0] for o in objs))
    for var, _, kind, _ in objs:
        lines += ['        if (%s)' % var, '            %s(%s);' % (kind.unref, var)]
    return lines + ['        return -1;', '    }']


def server_handler(m):
    p = m.proc
    tbl = 'conn->driver->%s' % MEMBERS.get(m.table, m.table)
    objs = objects_of(m)
    lines = ['static int dispatch_%s(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,'
             % p.lower,
             '    void *args_ G_GNUC_UNUSED, void *ret_ G_GNUC_UNUSED)', '{']
    if m.has_args:
        lines.append('    remote_%s_args *args = args_;' % p.lower)
    if m.has_ret:
        lines.append('    remote_%s_ret *ret = ret_;' % p.lower)
    lines.append('    vireo_conn *conn = daemon_client_conn(client);')
    for var, ctype, _, _ in objs:
        lines.append('    %s;' % cdecl(ctype, var))
    for prm, _ in m.outputs:
        lines.append('    %s o_%s = 0;' % (prm.type[:-1].strip(), prm.name))
    lines += ['    %s;' % cdecl(m.rtype, 'rv'), '',
              '    if (!%s || !%s->%s) {' % (tbl, tbl, m.entry),
              '        dispatch_no_support("%s");' % p.api_name(),
              '        return -1;', '    }']
    lines += server_get_objects(objs) if objs else []
    lines.append('    rv = %s->%s(%s);' % (tbl, m.entry, server_call_args(m)))
    for var, _, kind, _ in objs:
        lines.append('    %s(%s);' % (kind.unref, var))
    lines += ['    if (%s)' % ('rv < 0' if m.rtype == 'int' else '!rv'), '        return -1;']
    for prm, f in m.outputs:
        lines.append('    ret->%s = o_%s;' % (f.name, prm.name))
    f = m.ret_field
    if f is not None:
        if m.rtype in ('int', 'char *'):
            lines.append('    ret->%s = rv;' % f.name)
        elif m.rtype == 'const char *':
            lines.append('    ret->%s = g_strdup(rv);' % f.name)
        else:
            kind = KINDS[m.rtype]
            lines += ['    %s(rv, &ret->%s);' % (kind.put, f.name),
                      '    %s(rv);' % kind.unref]
    lines += ['    return 0;', '}', '']
    return '\n'.join(lines)


# The wire types of the objects a call can name, by permission kind.
ACL_KINDS = {
    'remote_nonnull_domain': 'domain', 'remote_nonnull_network': 'network',
    'remote_nonnull_storage_pool': 'storage_pool', 'remote_nonnull_storage_vol': 'storage_vol',
    'remote_nonnull_secret': 'secret', 'remote_nonnull_nwfilter': 'nwfilter',
    'remote_nonnull_interface': 'interface',
}


def acl_fields(proto, p):
    """The access-control fields of p's dispatch_proc entry."""
    if p.acl is None:
        sys.exit('gen_rpc: %s: no @acl annotation (every implemented procedure needs one: '
                 'libvirt\'s permissions, or "none")' % p.name)
    if len(p.acl) > ACL_MAX:
        sys.exit('gen_rpc: %s: more than %d @acl permissions' % (p.name, ACL_MAX))
    args = proto.args(p) or []
    st = 'remote_%s_args' % p.lower

    def offset(f):
        return 'offsetof(%s, %s)' % (st, f.name) if f else '-1'
    obj = next((f for f in args if f.type in ACL_KINDS and f.kind == 'plain'), None)
    perm_kind = p.acl[0][0].split('.')[0] if p.acl else None
    # the object of a define/create is named inside its XML
    xml = None
    if not obj or (perm_kind and ACL_KINDS[obj.type] != perm_kind):
        xml = next((f for f in args if f.name.startswith('xml')
                    and f.type == 'remote_nonnull_string' and f.kind == 'plain'), None)
    name = None
    if not obj and not xml and perm_kind and perm_kind != 'connect':
        name = next((f for f in args if f.name == 'name' and f.type == 'remote_nonnull_string'
                     and f.kind == 'plain'), None)
    flags = next((f for f in args if f.name == 'flags' and f.type == 'unsigned int'
                  and f.kind == 'plain'), None)
    if (any(bits for _, bits in p.acl) or any(p.acl_unset)) and not flags:
        sys.exit('gen_rpc: %s: a conditional @acl permission without a flags argument' % p.name)
    perms = ', '.join(['"%s"' % perm for perm, _ in p.acl] or ['NULL'])
    bits = ', '.join(['0x%x' % b for _, b in p.acl] or ['0'])
    lines = ['        .acl = { %s },' % perms, '        .acl_flags = { %s },' % bits]
    if any(p.acl_unset):
        lines.append('        .acl_flags_unset = { %s },' % ', '.join('0x%x' % b for b in p.acl_unset))
    if p.aclfilter:
        lines.append('        .acl_filter = "%s",' % p.aclfilter)
    if obj:
        lines.append('        .obj_kind = "%s",' % ACL_KINDS[obj.type])
    for field, f in (('obj', obj), ('name', name), ('xml', xml), ('flags', flags)):
        lines.append('        .%s_offset = %s,' % (field, offset(f)))
    return lines


def gen_dispatch(proto, tables, out_c, out_h):
    impl = [p for p in proto.procs if p.implemented and not p.message]
    c = [HEADER, '#include <glib.h>', '#include <stddef.h>', '#include <string.h>', '',
         '#include "daemon/dispatch.h"', '#include "drivers/driver.h"',
         '#include "drivers/handles.h"', '#include "rpc/dispatch_gen.h"', '']
    h = [HEADER, '#ifndef VIREO_RPC_DISPATCH_GEN_H', '#define VIREO_RPC_DISPATCH_GEN_H', '',
         '#include "daemon/dispatch.h"', '#include "rpc/remote_protocol.h"', '',
         '/* Hand-written server handlers (src/daemon/dispatch_*.c). */']
    for p in impl:
        if p.generate in ('both', 'server'):
            if not p.driver:
                fail(p, 'generated server end without @driver')
            c.append(server_handler(Mapping(proto, p, tables)))
        else:
            h.append('int dispatch_%s(daemon_client *client, const rpc_header *hdr, '
                     'void *args, void *ret);' % p.lower)
    c.append('static const dispatch_proc dispatch_remote_procs[] = {')
    for p in impl:
        a, r = proto.args(p) is not None, proto.ret(p) is not None
        c.append('    [REMOTE_PROC_%s] = {' % p.name)
        c.append('        .name = "%s",' % p.name)
        c.append('        .args_filter = %s,' % filt('remote_%s_args' % p.lower, a))
        c.append('        .args_size = %s,' % ('sizeof(remote_%s_args)' % p.lower if a else '0'))
        c.append('        .ret_filter = %s,' % filt('remote_%s_ret' % p.lower, r))
        c.append('        .ret_size = %s,' % ('sizeof(remote_%s_ret)' % p.lower if r else '0'))
        c.append('        .fn = dispatch_%s,' % p.lower)
        c.append('        .needs_conn = %s,' % ('true' if p.needs_conn else 'false'))
        c.append('        .read_only = %s,' % ('true' if p.readonly else 'false'))
        c.append('        .high_priority = %s,' % ('true' if p.priority == 'high' else 'false'))
        c += acl_fields(proto, p)
        c.append('    },')
    c += ['};', '',
          'const dispatch_proc *dispatch_remote_lookup(int proc)', '{',
          '    if (proc < 0 || (size_t)proc >= G_N_ELEMENTS(dispatch_remote_procs))',
          '        return NULL;',
          '    if (!dispatch_remote_procs[proc].fn)', '        return NULL;',
          '    return &dispatch_remote_procs[proc];', '}', '']
    h += ['', '#endif', '']
    open(out_c, 'w').write('\n'.join(c))
    open(out_h, 'w').write('\n'.join(h))


# ---- the client: remote_gen.c ----

def prototype(name, rtype, params):
    sep = '' if rtype.endswith('*') else ' '
    return '%s%s%s(%s)' % (rtype, sep, name, ', '.join(p.text for p in params))


def client_stub(m):
    p = m.proc
    lines = ['static ' + prototype('remote_proc_%s' % p.lower, m.rtype, m.params), '{']
    if m.has_args:
        lines.append('    remote_%s_args args;' % p.lower)
    if m.has_ret:
        lines.append('    remote_%s_ret ret;' % p.lower)
    obj = m.params[0].name
    conn = '%s->conn' % obj if m.kind else obj
    fail_val = '-1' if m.rtype == 'int' else 'NULL'
    lines += ['    %s%s;' % (cdecl(m.rtype, 'rv'), ' = 0' if m.rtype == 'int' else ''), '']
    if m.has_args:
        lines.append('    memset(&args, 0, sizeof(args));')
    if m.has_ret:
        lines.append('    memset(&ret, 0, sizeof(ret));')
    if m.kind:
        lines.append('    %s(%s, &args.%s);' % (m.kind.to_wire, obj, m.obj_field.name))
    for prm, f in m.inputs:
        if f is None:
            fail(p, 'client cannot drop parameter %s' % prm.name)
        if prm.type in KINDS:
            lines.append('    %s(%s, &args.%s);' % (KINDS[prm.type].to_wire, prm.name, f.name))
        elif f.type == 'remote_uuid':
            lines.append('    memcpy(args.%s, %s, sizeof(args.%s));' % (f.name, prm.name, f.name))
        elif f.type == 'remote_nonnull_string':
            lines.append('    args.%s = (char *)%s;' % (f.name, prm.name))
        elif f.type == 'remote_string':
            lines.append('    args.%s = %s ? (char **)&%s : NULL;' % (f.name, prm.name, prm.name))
        else:
            lines.append('    args.%s = %s;' % (f.name, prm.name))
    a = '(xdrproc_t)xdr_remote_%s_args, &args' % p.lower if m.has_args else 'RPC_XDR_VOID, NULL'
    r = '(xdrproc_t)xdr_remote_%s_ret, &ret' % p.lower if m.has_ret else 'RPC_XDR_VOID, NULL'
    lines += ['    if (remote_call(%s, REMOTE_PROC_%s,' % (conn, p.name),
              '                    %s,' % a, '                    %s) < 0)' % r,
              '        return %s;' % fail_val]
    for prm, f in m.outputs:
        lines.append('    *%s = ret.%s;' % (prm.name, f.name))
    f = m.ret_field
    if f is not None:
        if m.rtype == 'int':
            lines.append('    rv = ret.%s;' % f.name)
        elif m.rtype == 'char *':
            lines += ['    rv = ret.%s;' % f.name, '    ret.%s = NULL;' % f.name]
        elif m.rtype == 'const char *':
            lines.append('    rv = g_intern_string(ret.%s);' % f.name)
        else:
            lines.append('    rv = %s(%s, &ret.%s);' % (KINDS[m.rtype].from_wire, conn, f.name))
    if m.has_ret:
        lines.append('    xdr_free((xdrproc_t)xdr_remote_%s_ret, &ret);' % p.lower)
    lines += ['    return rv;', '}', '']
    return '\n'.join(lines)


# Entries of remote_conn_driver served by the transport (remote_driver.c).
TRANSPORT = {'conn': {'conn_open': 'remote_driver_open', 'conn_close': 'remote_driver_close',
                      'conn_is_alive': 'remote_driver_is_alive'},
             # the LXC program's one procedure (remote_lxc.c), not in remote_protocol.x
             'domain': {'lxc_open_namespace': 'remote_lxc_domain_open_namespace'}}


def gen_remote(proto, tables, out_c, out_h):
    c = [HEADER, '#include <glib.h>', '#include <string.h>', '',
         '#include "remote/remote_priv.h"', '#include "rpc/remote_gen.h"', '']
    h = [HEADER, '#ifndef VIREO_RPC_REMOTE_GEN_H', '#define VIREO_RPC_REMOTE_GEN_H', '',
         '#include "drivers/driver.h"', '',
         '/* Hand-written client stubs (src/remote/remote_*.c). */']
    entries = {t: dict(TRANSPORT.get(t, {})) for t in tables}
    for p in proto.procs:
        if not p.implemented or p.message or not p.driver or p.legacy:
            continue
        table, entry, rtype, params = entry_of(p, tables)
        if entry in entries[table]:
            fail(p, 'driver entry %s already has a client' % p.driver)
        entries[table][entry] = 'remote_proc_%s' % p.lower
        if p.generate in ('both', 'client'):
            c.append(client_stub(Mapping(proto, p, tables)))
        else:
            h.append(prototype('remote_proc_%s' % p.lower, rtype, params) + ';')
    for table in sorted(entries):
        c.append('const %s_driver remote_%s_driver = {' % (table, table))
        for entry in tables[table]:
            if entry in entries[table]:
                c.append('    .%s = %s,' % (entry, entries[table][entry]))
        c += ['};', '']
    h += ['', '#endif', '']
    open(out_c, 'w').write('\n'.join(c))
    open(out_h, 'w').write('\n'.join(h))


# ---- the layout snapshot ----

def structs_text(proto):
    out = ['# Wire layout of src/rpc/remote_protocol.x, written by gen_rpc.py structs.',
           '# A difference fails the build: the wire must not drift.  When a change',
           '# is meant (a new procedure), regenerate this file and review the diff.', '']
    out += ['const %s = %s;' % c for c in proto.consts]
    out += ['typedef %s;' % t for t in proto.typedefs]
    for name, values in proto.enums:
        out.append('enum %s { %s };' % (name, ', '.join(values)))
    for name, disc, arms in proto.unions:
        out.append('union %s switch (%s) { %s };' % (name, disc, arms))
    for name in proto.struct_order:
        out.append('struct %s {' % name)
        out += ['        %s' % f.decl() for f in proto.structs[name]]
        out.append('};')
    for p in proto.procs:
        out.append('REMOTE_PROC_%s = %d' % (p.name, p.number))
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    mode, proto = argv[1], Protocol(argv[2])
    if mode == 'dispatch' and len(argv) == 6:
        gen_dispatch(proto, read_driver(argv[3]), argv[4], argv[5])
    elif mode == 'remote' and len(argv) == 6:
        gen_remote(proto, read_driver(argv[3]), argv[4], argv[5])
    elif mode == 'structs' and len(argv) == 3:
        sys.stdout.write(structs_text(proto))
    elif mode == 'check-structs' and len(argv) == 5:
        want = open(argv[3]).read()
        have = structs_text(proto)
        if want != have:
            import difflib
            sys.stderr.write(''.join(difflib.unified_diff(
                want.splitlines(True), have.splitlines(True), argv[3], 'remote_protocol.x')))
            sys.exit('gen_rpc: the wire layout differs from %s (see the diff above)' % argv[3])
        open(argv[4], 'w').write('ok\n')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)

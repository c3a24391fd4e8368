#!/usr/bin/env python3
"""Writes the malformed-input corpus: one scenario file per case and manifest.tsv with the
expected exit code and the message fragment each must produce. Cases are derived from the field
table in scenarios/README.md (paths, types, ranges, choices) plus hand-written syntax and
cross-field cases. Run from this folder: ./generate.py"""
import json, os, re

here = os.path.dirname(os.path.abspath(__file__))
fields = []
for line in open(os.path.join(here, '..', '..', 'scenarios', 'README.md')):
    m = re.match(r'\| `(/[^`]+)` \| ([^|]+) \| ([^|]*) \|', line)
    if m:
        fields.append((m.group(1), m.group(2).strip(), m.group(3).strip()))

cases = []  # (name, text, fragment)

def nest(path, value):
    doc, parts = {}, path.strip('/').split('/')
    cur = doc
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value
    return doc

def add(name, doc, fragment):
    cases.append((name, doc if isinstance(doc, str) else json.dumps(doc, indent=1), fragment))

for path, typ, rng in fields:
    slug = path.strip('/').replace('/', '-')
    if typ in ('integer', 'number'):
        add(slug + '-type', nest(path, "12"), path + ': expected ' + ('an integer' if typ == 'integer' else 'a number'))
        lo, hi = [float(x) for x in rng.strip('[]').split(',')]
        add(slug + '-below', nest(path, lo - (1 if typ == 'integer' else max(abs(lo), 1) * 0.5)), path + ': expected a value in')
        add(slug + '-above', nest(path, int(hi * 2 + 1) if typ == 'integer' else hi * 2 + 1), path + ': expected a value in')
        if typ == 'integer':
            add(slug + '-fraction', nest(path, lo + 0.5), path + ': expected an integer')
    elif typ in ('boolean', 'true or false'):  # the schema names the type "true or false"
        add(slug + '-type', nest(path, "yes"), path + ': expected true or false')
    elif typ == 'string':
        add(slug + '-type', nest(path, 3), path + ': expected a string')
        if rng:
            add(slug + '-choice', nest(path, 'no-such-choice'), path + ': expected one of [')
    elif typ == 'list of integers':
        add(slug + '-type', nest(path, 64), path + ': expected a list of 2 to 8 integers')
        add(slug + '-short', nest(path, [64]), path + ': expected a list of 2 to 8 integers')
        add(slug + '-element', nest(path, [64, "36", 10]), path + '/1: expected an integer')

objects = sorted({'/'.join(p.split('/')[:-1]) for p, _, _ in fields} - {''})
for obj in [''] + objects:
    slug = obj.strip('/').replace('/', '-') or 'root'
    doc = nest(obj + '/bogus_key', 1) if obj else {'bogus_key': 1}
    add('unknown-' + slug, doc, (obj or '') + '/bogus_key: unknown key "bogus_key"')
for path, typ, _ in fields:  # a typo of every leaf key suggests the right one
    key = path.split('/')[-1]
    if len(key) < 4:
        continue
    typo = key[:-1] + ('x' if key[-1] != 'x' else 'y')
    add('typo-' + path.strip('/').replace('/', '-'), nest('/'.join(path.split('/')[:-1]) + '/' + typo, 1),
        'did you mean "' + key + '"')

for name, text, frag in [
        ('syntax-duplicate-key', '{"seed": 1, "seed": 2}', '/seed: duplicate key "seed"'),
        ('syntax-duplicate-nested', '{"tile": {"rows": 64, "cols": 64, "rows": 128}}', '/tile/rows: duplicate key "rows"'),
        ('syntax-nul-byte', '{"seed": 1}\u0000{"seed": 2}', 'invalid JSON at line 1, column 12: a NUL byte'),
        ('syntax-nested-deep', '{"tile": ' + '[' * 2000 + ']' * 2000 + '}', 'nested deeper than 64 levels'),
        ('syntax-empty', '', 'invalid JSON at line 1'),
        ('syntax-trailing-comma', '{\n  "seed": 1,\n}\n', 'invalid JSON at line 3'),
        ('syntax-missing-brace', '{\n  "seed": 1\n', 'invalid JSON at line'),
        ('syntax-unquoted-key', '{ seed: 1 }', 'invalid JSON at line 1'),
        ('syntax-nan', '{ "seed": NaN }', 'invalid JSON at line 1'),
        ('syntax-comment', '{ // c\n "seed": 1 }', 'invalid JSON at line 1'),
        ('syntax-single-quotes', "{ 'seed': 1 }", 'invalid JSON at line 1'),
        ('syntax-garbage-after', '{ "seed": 1 } x', 'invalid JSON at line 1'),
        ('number-overflow', '{"platform": {"dram": {"base": 10e73741824}}}', 'invalid JSON at line 1'),  # found by fuzzing
        ('root-array', '[1, 2]', '/: expected an object'),
        ('root-string', '"scenario"', '/: expected an object'),
        ('root-number', '42', '/: expected an object'),
        ('object-expected-tile', '{"tile": 3}', '/tile: expected an object'),
        ('object-expected-device', '{"tile": {"device": "ideal"}}', '/tile/device: expected an object'),
        ('object-expected-platform', '{"platform": []}', '/platform: expected an object'),
]:
    add(name, text, frag)

def lut_pair(inc, dec):
    return {"tile": {"device": {"model": "lut", "lut_increasing": inc, "lut_decreasing": dec}}}

def lut_text(bins, rows):
    return 'header\n' + ', '.join(bins) + '\n0.25, 0.75\n\n' + '\n'.join(', '.join(r) for r in rows) + '\n'

luts = {  # small valid tables (two CDF points, three G bins), consistent or not as a pair
    'lut-inc.txt': lut_text(['1e-6', '2e-6', '3e-6'], [['1e-8'] * 3, ['3e-8'] * 3]),
    'lut-dec.txt': lut_text(['1e-6', '2e-6', '3e-6'], [['-3e-8'] * 3, ['-1e-8'] * 3]),
    'lut-dec-other-bins.txt': lut_text(['1e-6', '5e-6', '9e-6'], [['-3e-8'] * 3, ['-1e-8'] * 3]),
    'lut-zero.txt': lut_text(['1e-6', '2e-6', '3e-6'], [['0'] * 3, ['0'] * 3]),
}

cross = [
    ('cross-map-overlap', {"platform": {"dram": {"base": 1073741824, "size_mib": 64}, "tile_map": {"base": 1075838976}}},
     '/platform/tile_map/base: tile windows'),
    ('cross-quickstart-size', {"tile": {"rows": 128, "cols": 128}, "firmware": {"size": 256}}, '/firmware/size: expected at most'),
    ('cross-dram-too-small', {"platform": {"dram": {"size_mib": 1}}}, '/platform/dram/size_mib'),
    ('cross-layers-dataset', {"firmware": {"program": "train_mlp", "layers": [60, 36, 10]}}, '/firmware/layers: the digits dataset needs 64'),
    ('cross-layers-capacity', {"firmware": {"program": "train_mlp", "layers": [64, 4000, 10]}, "tile": {"rows": 128, "cols": 4096}},
     '/firmware/layers: the layers need'),
    ('cross-layer-columns', {"firmware": {"program": "train_mlp", "layers": [64, 300, 10]}, "tile": {"rows": 512, "cols": 256}},
     '/firmware/layers/1: a layer'),
    ('cross-bits-x', {"firmware": {"program": "train_mlp"}, "tile": {"bits_x": 6}}, '/tile/bits_x: train_mlp reuses'),
    ('cross-lut-missing-path', {"tile": {"device": {"model": "lut"}}}, '/tile/device/lut_increasing: required'),
    ('cross-lut-no-file', {"tile": {"device": {"model": "lut", "lut_increasing": "nope.txt", "lut_decreasing": "nope.txt"}}},
     '/tile/device/lut_increasing: bad lookup table'),
    ('cross-lut-bad-table', {"tile": {"device": {"model": "lut", "lut_increasing": "lut-bad.txt", "lut_decreasing": "lut-bad.txt"}}},
     'lut-bad.txt:'),
    ('cross-lut-range', {"tile": {"device": {"lut_g_min_relative": 0.8, "lut_g_max_relative": 0.2}}},
     '/tile/device/lut_g_max_relative: expected a value above'),
    ('cross-adc-sharing', {"tile": {"rows": 1024, "cols": 1000, "adc": {"columns_per_adc": 16}}},
     '/tile/adc/columns_per_adc: a divisor of /tile/rows (1024) and /tile/cols (1000)'),
    # Architecture: the tile window's limits, a buffer smaller than one vector, a tile of a list.
    ('arch-cores-17', {"tile": {"cores": 17}},
     '/tile/cores: expected a value in [1, 16], got 17 (the tile window has register banks for 16 cores)'),
    ('arch-cores-0', {"tile": {"cores": 0}}, '/tile/cores: expected a value in [1, 16], got 0'),
    ('arch-input-bytes-vector', {"tile": {"rows": 512, "cols": 256, "buffers": {"input_bytes": 500}}},
     '/tile/buffers/input_bytes: expected at least 512 bytes, got 500: smaller than one vector (max(rows, cols) = 512 bytes'),
    ('arch-output-bytes-vector', {"tile": {"rows": 128, "cols": 1024, "buffers": {"output_bytes": 128}}},
     '/tile/buffers/output_bytes: expected at least 1024 bytes, got 128: smaller than one vector (max(rows, cols) = 1024 bytes'),
    ('arch-output-bytes-70000', {"tile": {"buffers": {"output_bytes": 70000}}},
     '/tile/buffers/output_bytes: expected a value in [1, 65536] byte, got 70000 (the tile window has room for 64 KiB per buffer)'),
    ('arch-lanes-0', {"tile": {"digital_unit": {"lanes": 0}}}, '/tile/digital_unit/lanes: expected a value in [1, 65536], got 0'),
    ('arch-list-cores', {"platform": {"tiles": [{}, {"variant": "sram", "cores": 17}]}},
     '/platform/tiles/1/cores: expected a value in [1, 16], got 17 (the tile window has register banks for 16 cores)'),
    ('arch-list-input-bytes', {"platform": {"tiles": [{}, {"rows": 128, "cols": 128, "buffers": {"input_bytes": 64}}]}},
     '/platform/tiles/1/buffers/input_bytes: expected at least 128 bytes, got 64: smaller than one vector'),
    ('arch-list-lanes', {"platform": {"tiles": [{}, {"digital_unit": {"lanes": 0}}]}},
     '/platform/tiles/1/digital_unit/lanes: expected a value in [1, 65536], got 0'),
    ('arch-list-shared-type', {"platform": {"tiles": [{}, {"adc": {"shared": "yes"}}]}},
     '/platform/tiles/1/adc/shared: expected true or false'),
    ('cross-name-slash', {"name": "a/b"}, '/name: expected a name without path separators'),
    ('cross-name-backslash', {"name": "a\\b"}, '/name: expected a name without path separators'),
    ('cross-name-empty', {"name": ""}, '/name: expected a non-empty name'),
    ('cross-name-nul', {"name": "\u0000x"}, '/name: expected no control characters'),
    ('cross-name-newline', {"name": "a\nb"}, '/name: expected no control characters'),
    ('cross-name-dot', {"name": "."}, '/name: expected a name other than'),
    ('cross-name-dotdot', {"name": ".."}, '/name: expected a name other than'),
    ('cross-name-hidden', {"name": ".tmp"}, "/name: expected a name that does not start with '.'"),
    ('cross-name-long', {"name": "n" * 255}, '/name: expected at most 100 bytes, got 255'),
    # Lookup-table pairs the LUT device would reject at run time (exit 3 before): exit 2 in validate.
    ('lut-pair-swapped', lut_pair('lut-dec.txt', 'lut-inc.txt'), '/tile/device/lut_increasing: bad lookup-table pair'),
    ('lut-pair-mismatched', lut_pair('lut-inc.txt', 'lut-dec-other-bins.txt'), '/tile/device/lut_decreasing: bad lookup-table pair'),
    ('lut-pair-zero', lut_pair('lut-zero.txt', 'lut-dec.txt'), '/tile/device/lut_increasing: bad lookup-table pair'),
    ('lut-pair-both-increasing', lut_pair('lut-inc.txt', 'lut-inc.txt'), '/tile/device/lut_decreasing: bad lookup-table pair'),
    ('lut-path-folder', lut_pair('.', 'lut-dec.txt'), '/tile/device/lut_increasing: bad lookup table'),
]
for name, doc, frag in cross:
    add(name, doc, frag)

# Technology: overrides in the scenario, fields that moved there, and bad technology files (each a
# copy of the default file with one defect, written to technologies/ here).
def over(entries):
    return {"technology": {"overrides": entries}}

for name, doc, frag in [
        ('tech-override-unknown', over({"analog_cell.v_reed": 0.7}), '/technology/overrides/analog_cell.v_reed: unknown technology entry "analog_cell.v_reed" (did you mean "analog_cell.v_read"?)'),
        ('tech-override-no-group', over({"analog.v_read": 0.7}), 'did you mean "analog_cell.v_read" or "binary_cell.v_read"?'),
        ('tech-override-zero-voltage', over({"analog_cell.v_read": 0}), '/technology/overrides/analog_cell.v_read: expected a physical value in (0, 10] V, got 0'),
        ('tech-override-negative-capacitance', over({"cell.c_af": -35}), '/technology/overrides/cell.c_af: expected a physical value in (0,'),
        ('tech-override-wrong-unit', over({"cell.c_af": {"value": 0.035, "unit": "fF"}}), '/technology/overrides/cell.c_af/unit: expected "aF", got "fF"'),
        ('tech-override-missing-unit', over({"cell.c_af": {"value": 35}}), '/technology/overrides/cell.c_af: missing "unit" (expected "aF")'),
        ('tech-override-missing-value', over({"cell.c_af": {"unit": "aF"}}), '/technology/overrides/cell.c_af: missing "value"'),
        ('tech-override-bad-key', over({"cell.c_af": {"value": 35, "unit": "aF", "note": "x"}}), '/technology/overrides/cell.c_af/note: unknown key "note"'),
        ('tech-override-string', over({"cell.c_af": "35"}), '/technology/overrides/cell.c_af: expected a number in aF'),
        ('tech-override-fraction', over({"mac.units": 25.5}), '/technology/overrides/mac.units: expected a physical value in [1, 1000000] integer count'),
        ('tech-overrides-type', {"technology": {"overrides": [1]}}, '/technology/overrides: expected an object'),
        ('tech-file-missing', {"technology": {"file": "no-such-technology.json"}}, '/technology/file: bad technology file:'),
        ('tech-moved-wire-c', {"platform": {"interconnect": {"wire_c_af_per_um": 200}}},
         '/platform/interconnect/wire_c_af_per_um: moved to the technology: set the entry "interconnect.wire_c_af_per_um" in /technology/overrides'),
        ('tech-moved-voltage', {"platform": {"interconnect": {"voltage": 0.8}}},
         '/platform/interconnect/voltage: moved to the technology: set the entry "interconnect.voltage" in /technology/overrides'),
        ('tech-moved-dram-latency', {"platform": {"dram": {"latency_ns": 50}}},
         '/platform/dram/latency_ns: moved to the technology: set the entry "dram.latency_ns" in /technology/overrides'),
]:
    add(name, doc, frag)

reference = json.load(open(os.path.join(here, '..', '..', 'technologies', 'marinella2018.json')))

def defect(change):
    t = json.loads(json.dumps(reference))
    change(t)
    return t

def set_(group, entry, key, value):
    def f(t):
        t[group][entry][key] = value
    return f

def drop(group, entry, key=None):
    def f(t):
        if key is None:
            del t[group][entry]
        else:
            del t[group][entry][key]
    return f

def rename(group, old, new):
    def f(t):
        t[group][new] = t[group].pop(old)
    return f

tech_files = [  # (case, defect, fragment after "<file>: ")
    ('unknown-entry', rename('adc', 'comparator_ua', 'comparator_uA'), '/adc/comparator_uA: unknown entry "adc.comparator_uA" (did you mean "adc.comparator_ua"?)'),
    ('unknown-group', lambda t: t.update({"adcs": t.pop("adc")}), '/adcs: unknown group "adcs" (did you mean "adc"?)'),
    ('missing-unit', drop('adc', 'comparator_ua', 'unit'), '/adc/comparator_ua: missing "unit" (expected "uA")'),
    ('wrong-unit', set_('adc', 'comparator_ua', 'unit', 'mA'), '/adc/comparator_ua/unit: expected "uA", got "mA"'),
    ('negative-capacitance', set_('cell', 'c_af', 'value', -35), '/cell/c_af/value: expected a physical value in (0,'),
    ('zero-voltage', set_('analog_cell', 'v_read', 'value', 0), '/analog_cell/v_read/value: expected a physical value in (0, 10] V, got 0'),
    ('missing-source', drop('analog_cell', 'v_read', 'source'), '/analog_cell/v_read: missing "source"'),
    ('empty-source', set_('analog_cell', 'v_read', 'source', ''), '/analog_cell/v_read/source: expected a non-empty string'),
    ('missing-entry', drop('integrator', 'current_ua'), '/integrator/current_ua: required entry is missing'),
    ('value-string', set_('integrator', 'current_ua', 'value', '12'), '/integrator/current_ua/value: expected a number in uA'),
    ('count-fraction', set_('mac', 'units', 'value', 2.5), '/mac/units/value: expected a physical value in [1, 1000000] integer'),
    ('missing-name', lambda t: t.pop('technology'), '/technology: missing'),
]
tech_dir = os.path.join(here, 'technologies')
os.makedirs(tech_dir, exist_ok=True)
for old in os.listdir(tech_dir):
    if old.endswith('.json'):
        os.remove(os.path.join(tech_dir, old))
for name, change, frag in tech_files:
    with open(os.path.join(tech_dir, name + '.json'), 'w') as f:
        json.dump(defect(change), f, indent=1)
    add('tech-file-' + name, {"technology": {"file": "technologies/" + name + ".json"}},
        'technologies/' + name + '.json: ' + frag)

with open(os.path.join(here, 'lut-bad.txt'), 'w') as f:  # a table whose CDF is not increasing
    f.write('header\n1e-6, 2e-6\n0.5, 0.2\n\n1e-7, 1e-7\n2e-7, 2e-7\n')
for name, text in luts.items():
    with open(os.path.join(here, name), 'w') as f:
        f.write(text)
for old in os.listdir(here):
    if old.endswith('.json'):
        os.remove(os.path.join(here, old))
with open(os.path.join(here, 'manifest.tsv'), 'w') as m:
    m.write('# file\texit code\texpected message fragment\n')
    for name, text, frag in cases:
        with open(os.path.join(here, name + '.json'), 'w') as f:
            f.write(text)
        m.write(name + '.json\t2\t' + frag + '\n')
print(len(cases), 'cases')

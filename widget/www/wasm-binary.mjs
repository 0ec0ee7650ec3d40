// The few parts of the WebAssembly binary format that shrink.mjs rewrites: the section list, the
// import section and the export section. Every other section is carried over byte for byte, so
// function, table and global indices never move. Anything this reader does not know (another
// binary version, an import kind or limits flag added by a later proposal) throws: a build that
// stops is better than a widget that ships broken.

const MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
/** Section ids (https://webassembly.github.io/spec/core/binary/modules.html). */
export const CUSTOM = 0;
export const IMPORT = 2;
export const EXPORT = 7;

/** A cursor over a section's bytes. */
class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  byte() {
    if (this.pos >= this.end) throw new Error('wasm: unexpected end of section');
    return this.bytes[this.pos++];
  }

  /** An unsigned LEB128 (u32, or a u64 memory size that still fits a double). */
  uleb() {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (!(b & 0x80)) return value;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('wasm: LEB128 too long');
    }
  }

  name() {
    const len = this.uleb();
    if (this.pos + len > this.end) throw new Error('wasm: name runs past its section');
    const text = this.bytes.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return text;
  }

  /** The bytes from `start` to the cursor. */
  since(start) {
    return this.bytes.subarray(start, this.pos);
  }
}

function uleb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value) b |= 0x80;
    out.push(b);
  } while (value);
  return Buffer.from(out);
}

const name = (text) => {
  const utf8 = Buffer.from(text, 'utf8');
  return Buffer.concat([uleb(utf8.length), utf8]);
};

/** A vector: its length, then its items. */
const vector = (items) => Buffer.concat([uleb(items.length), ...items]);

/** `[{ id, body, name? }]`, `name` for custom sections (whose `body` still starts with it). */
export function readSections(bytes) {
  if (!bytes.subarray(0, 8).equals(MAGIC)) throw new Error('wasm: not a version 1 WebAssembly module');
  const reader = new Reader(bytes, 8);
  const sections = [];
  while (reader.pos < bytes.length) {
    const id = reader.byte();
    const size = reader.uleb();
    const start = reader.pos;
    if (start + size > bytes.length) throw new Error(`wasm: section ${id} runs past the end of the module`);
    const section = { id, body: bytes.subarray(start, start + size) };
    if (id === CUSTOM) section.name = new Reader(bytes, start, start + size).name();
    sections.push(section);
    reader.pos = start + size;
  }
  return sections;
}

export function writeSections(sections) {
  const parts = [MAGIC];
  for (const { id, body } of sections) parts.push(Buffer.from([id]), uleb(body.length), body);
  return Buffer.concat(parts);
}

/** Skips a table's or memory's limits: a flag byte (max? shared? 64-bit?), min, optional max. */
function skipLimits(reader) {
  const flags = reader.byte();
  if (flags > 0x07) throw new Error(`wasm: unknown limits flags 0x${flags.toString(16)}`);
  reader.uleb();
  if (flags & 0x01) reader.uleb();
}

/** Reads an import's or export's kind-specific part; returns it as raw bytes. */
function importDescriptor(reader) {
  const start = reader.pos;
  const kind = reader.byte();
  if (kind === 0x00) reader.uleb(); // function: type index
  else if (kind === 0x01) {
    const ref = reader.byte();
    if (ref !== 0x70 && ref !== 0x6f) throw new Error(`wasm: unknown table element type 0x${ref.toString(16)}`);
    skipLimits(reader);
  } else if (kind === 0x02) skipLimits(reader);
  else if (kind === 0x03) {
    const type = reader.byte();
    if (!((type >= 0x7b && type <= 0x7f) || type === 0x70 || type === 0x6f)) {
      throw new Error(`wasm: unknown global type 0x${type.toString(16)}`);
    }
    reader.byte(); // mutability
  } else if (kind === 0x04) {
    reader.byte(); // tag attribute
    reader.uleb();
  } else throw new Error(`wasm: unknown import kind 0x${kind.toString(16)}`);
  return { kind, descriptor: reader.since(start) };
}

/** A vector section's items, read by `item(reader)`; nothing may follow them. */
function readVector(body, item, what) {
  const reader = new Reader(body);
  const items = [];
  for (let count = reader.uleb(); count > 0; count--) items.push(item(reader));
  if (reader.pos !== body.length) throw new Error(`wasm: trailing bytes in the ${what} section`);
  return items;
}

/** `[{ module, name, kind, descriptor }]` of an import section's body (fields read in order). */
export const readImports = (body) =>
  readVector(body, (reader) => ({ module: reader.name(), name: reader.name(), ...importDescriptor(reader) }), 'import');

export function writeImports(imports) {
  return vector(imports.map((i) => Buffer.concat([name(i.module), name(i.name), i.descriptor])));
}

/** `[{ name, kind, index }]` of an export section's body. */
export const readExports = (body) =>
  readVector(body, (reader) => {
    const field = reader.name();
    const kind = reader.byte();
    if (kind > 0x04) throw new Error(`wasm: unknown export kind 0x${kind.toString(16)}`);
    return { name: field, kind, index: reader.uleb() };
  }, 'export');

export function writeExports(exports) {
  return vector(exports.map((e) => Buffer.concat([name(e.name), Buffer.from([e.kind]), uleb(e.index)])));
}

/** The one section with `id`; throws when there is none or more than one. */
export function section(sections, id) {
  const found = sections.filter((s) => s.id === id);
  if (found.length !== 1) throw new Error(`wasm: expected one section ${id}, found ${found.length}`);
  return found[0];
}

// The options of receive(), send(), serve(), pull() and pullFiles(), checked when called, before
// anything starts: ERR_INVALID_OPTION names the option, the value and what is allowed.
import { isObject, OptionChecker } from './option-checks.ts';

export function checkReceiveOptions(options: unknown): void {
  const check = new OptionChecker('receive');
  const o = check.object('(the options object)', options, 'an object such as { dir }');
  check.string('dir', o['dir'], 'the folder to write received files into (a non-empty string)');
  check.integer('maxSize', o['maxSize'], 0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes (0 or more)');
  check.function('accept', o['accept']);
  check.boolean('keepPartials', o['keepPartials']);
  check.integer('maxIconBytes', o['maxIconBytes'], 1, Number.MAX_SAFE_INTEGER, 'a positive whole number of bytes');
  check.oneOf('setup', o['setup'], ['active', 'passive', 'none']);
  check.duration('msrpSetupTimeoutMs', o['msrpSetupTimeoutMs']);
  check.duration('idleTimeoutMs', o['idleTimeoutMs']);
}

export function checkServeOptions(options: unknown): void {
  const check = new OptionChecker('serve');
  const o = check.object('(the options object)', options, 'an object such as { dir }');
  check.string('dir', o['dir'], 'the folder to serve files from (a non-empty string)');
  check.function('onRequest', o['onRequest']);
  check.function('onServed', o['onServed']);
}

/** send(destination, files) and queue(files). */
export function checkSendArguments(destination: unknown, files: unknown): void {
  const check = new OptionChecker('send');
  const d = check.object('destination', destination, "an object { kind: 'one-recipient', uri } (or 'recipient-list' / 'predefined-group')");
  check.oneOf('destination.kind', d['kind'] ?? '', ['one-recipient', 'recipient-list', 'predefined-group']);
  if (d['kind'] === 'recipient-list') {
    const uris = d['uris'];
    if (!Array.isArray(uris) || uris.length === 0) check.fail('destination.uris', uris, 'a non-empty array of SIP URIs');
    (uris as unknown[]).forEach((uri: unknown, i: number) => {
      check.string(`destination.uris[${i}]`, uri, 'a SIP URI');
      check.sipUri(`destination.uris[${i}]`, uri);
    });
    check.string('destination.factory', d['factory'], 'the SIP URI of the conference factory');
    check.sipUri('destination.factory', d['factory']);
  } else {
    check.string('destination.uri', d['uri'], 'a SIP URI such as "sip:bob@127.0.0.1:5070"');
    check.sipUri('destination.uri', d['uri']);
  }
  checkFiles(check, files);
}

/** send()'s third argument: { signal? }. */
export function checkSendOptions(options: unknown): void {
  const check = new OptionChecker('send');
  const o = check.object('options', options, 'an object such as { signal }');
  checkSignal(check, o['signal']);
}

function checkSignal(check: OptionChecker, signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) check.fail('signal', signal, 'an AbortSignal (from an AbortController)');
}

export function checkQueueArguments(files: unknown): void {
  checkFiles(new OptionChecker('queue'), files);
}

function checkFiles(check: OptionChecker, files: unknown): void {
  if (!Array.isArray(files)) check.fail('files', files, 'an array of paths or { path, icon? } objects');
  files.forEach((file: unknown, i: number) => {
    if (typeof file === 'string') { check.string(`files[${i}]`, file, 'a file path (a non-empty string)'); return; }
    const f = check.object(`files[${i}]`, file, 'a file path or a { path, icon? } object');
    check.string(`files[${i}].path`, f['path'], 'a file path (a non-empty string)');
    const icon = f['icon'];
    if (icon === undefined || icon === false || (typeof icon === 'string' && icon !== '')) return;
    const bytes = isObject(icon) ? icon['bytes'] : undefined;
    if (!isObject(icon) || typeof icon['type'] !== 'string' || !(bytes instanceof Uint8Array)) {
      check.fail(`files[${i}].icon`, icon, 'an image path, { type, bytes } (bytes a Buffer) or false');
    }
  });
}

/** pull(request) and pullFiles(request). */
export function checkPullRequest(request: unknown, several: boolean): void {
  const check = new OptionChecker(several ? 'pullFiles' : 'pull');
  const o = check.object('(the request object)', request, several ? 'an object { from, selectors, dir }' : 'an object { from, selector, dir }');
  check.string('from', o['from'], 'the SIP URI of the party that has the file');
  check.sipUri('from', o['from']);
  check.string('dir', o['dir'], 'the folder to write the pulled file into (a non-empty string)');
  check.integer('maxSize', o['maxSize'], 0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes (0 or more)');
  check.duration('timeoutMs', o['timeoutMs']);
  checkSignal(check, o['signal']);
  if (several) {
    const selectors = o['selectors'];
    if (!Array.isArray(selectors) || selectors.length === 0) check.fail('selectors', selectors, 'a non-empty array of file selectors ({ name?, type?, size?, hash? })');
    (selectors as unknown[]).forEach((selector: unknown, i: number) => checkSelector(check, `selectors[${i}]`, selector));
  } else {
    checkSelector(check, 'selector', o['selector']);
  }
}

/** RFC 5547 §6 file-selector parts: at least one of name, type, size, hash. */
function checkSelector(check: OptionChecker, option: string, value: unknown): void {
  const s = check.object(option, value, 'a file selector { name?, type?, size?, hash? } with at least one part');
  if (s['name'] === undefined && s['type'] === undefined && s['size'] === undefined && s['hash'] === undefined) {
    check.fail(option, value, 'a file selector with at least one of name, type, size, hash');
  }
  if (s['name'] !== undefined) check.string(`${option}.name`, s['name'], 'a file name (a non-empty string)');
  if (s['type'] !== undefined) check.string(`${option}.type`, s['type'], 'a media type such as "image/png"');
  check.integer(`${option}.size`, s['size'], 0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes (0 or more)');
  if (s['hash'] !== undefined) check.object(`${option}.hash`, s['hash'], 'a hash { algorithm, digest }');
}

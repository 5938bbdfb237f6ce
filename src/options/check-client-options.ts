// createClient's options, checked before anything is opened: a plain JavaScript caller (no types to
// catch a typo) gets ERR_INVALID_OPTION naming the option instead of a TypeError deep in the stack
// or an option silently ignored. Only shapes are checked here; TLS material is Node's to judge.
import { decisionPoints, transferDefaults } from '../../runtime/index.ts';
import { OptionChecker } from './option-checks.ts';

const LIMIT_NAMES = ['sipMaxMessageBytes', 'sipMaxHeaders', 'sipMaxHeaderLine', 'msrpMaxHeaderLine', 'msrpMaxHeaders', 'maxSessionsPerPeer', 'maxSessions', 'maxMlinesPerSession', 'maxOpenFilesPerSession', 'maxOpenFiles',
  'maxSessionsPerSource', 'sipMaxConnectionsPerSource', 'sipMaxHandshakesPerSource', 'msrpMaxSilentConnectionsPerSource'] as const;
const BOOLEANS = ['successReport', 'reuseMlines', 'checkPendingFiles', 'resume', 'autoIcons', 'msrpMatchSessionIdOnly', 'msrpTls'] as const;
const CALLBACKS = ['log', 'onNotice', 'loadImageLibrary'] as const;

export function checkClientOptions(options: unknown): void {
  const check = new OptionChecker('createClient');
  const o = check.object('(the options object)', options, 'an object such as { localUri, sip: { host, port, transport } }');
  check.string('localUri', o['localUri'], 'a SIP URI such as "sip:alice@127.0.0.1"');
  check.sipUri('localUri', o['localUri']);

  const sip = check.object('sip', o['sip'], "an object { host, port, transport } (e.g. { host: '127.0.0.1', port: 0, transport: 'udp' })");
  check.string('sip.host', sip['host'], 'an IP address or a host name to listen on, e.g. "127.0.0.1"');
  check.host('sip.host', sip['host']);
  if (sip['port'] === undefined) check.fail('sip.port', undefined, 'a port number from 0 (any free port) to 65535');
  check.port('sip.port', sip['port']);
  if (sip['transport'] === undefined) check.fail('sip.transport', undefined, "one of 'udp', 'tcp', 'tls'");
  check.oneOf('sip.transport', sip['transport'], ['udp', 'tcp', 'tls']);

  check.sipUri('outboundProxy', o['outboundProxy']);
  if (o['msrp'] !== undefined) {
    const msrp = check.object('msrp', o['msrp'], 'an object { host?, port? }');
    check.host('msrp.host', msrp['host']);
    check.port('msrp.port', msrp['port']);
  }
  if (o['msrpRelay'] !== undefined) {
    const relay = check.object('msrpRelay', o['msrpRelay'], 'an object { uri, username?, password?, expires? }');
    check.string('msrpRelay.uri', relay['uri'], 'an MSRP URI such as "msrp://relay.example.net:2855;tcp"');
    if (relay['username'] !== undefined) check.string('msrpRelay.username', relay['username']);
    if (relay['password'] !== undefined && typeof relay['password'] !== 'string') check.fail('msrpRelay.password', relay['password'], 'a string');
    check.integer('msrpRelay.expires', relay['expires'], 1, 2 ** 32 - 1, 'a whole number of seconds from 1 to 4294967295');
  }
  check.integer('chunkSize', o['chunkSize'], 1, transferDefaults.maxChunkSize, `a whole number of bytes from 1 to ${transferDefaults.maxChunkSize} (4 MiB)`);
  check.oneOf('peerTuning', o['peerTuning'], ['auto', 'off', 'always']);
  for (const name of BOOLEANS) check.boolean(name, o[name]);
  for (const name of CALLBACKS) check.function(name, o[name]);
  if (o['decisions'] !== undefined) {
    const decisions = check.object('decisions', o['decisions'], 'an object of decision point names to true or false');
    const points = Object.keys(decisionPoints);
    for (const [point, answer] of Object.entries(decisions)) {
      if (!points.includes(point)) check.fail(`decisions['${point}']`, answer, `given for a known decision point only (${points.join(', ')})`);
      check.boolean(`decisions['${point}']`, answer);
    }
  }
  check.duration('reportGraceMs', o['reportGraceMs'], true);
  if (o['resumeStatePath'] !== undefined) check.string('resumeStatePath', o['resumeStatePath'], 'a file path (a non-empty string)');
  if (o['hashCacheDir'] !== undefined) check.string('hashCacheDir', o['hashCacheDir'], 'a folder path (a non-empty string)');
  if (o['limits'] !== undefined) {
    const limits = check.object('limits', o['limits'], `an object with any of ${LIMIT_NAMES.join(', ')}`);
    for (const [name, value] of Object.entries(limits)) {
      if (!(LIMIT_NAMES as readonly string[]).includes(name)) check.fail(`limits.${name}`, value, `left out: the limits are ${LIMIT_NAMES.join(', ')}`);
      check.integer(`limits.${name}`, value, 1, Number.MAX_SAFE_INTEGER, 'a positive whole number');
    }
  }
  // ClientExtraOptions.
  if (o['tls'] !== undefined) check.object('tls', o['tls'], 'an object of Node TLS options ({ key, cert, ca, ... })');
  check.duration('waitTimeoutMs', o['waitTimeoutMs']);
  check.duration('noAnswerNoticeMs', o['noAnswerNoticeMs'], true);
  if (o['sipTimers'] !== undefined) {
    const timers = check.object('sipTimers', o['sipTimers'], 'an object { T1?, T2?, T4? } in milliseconds');
    for (const name of ['T1', 'T2', 'T4'] as const) check.duration(`sipTimers.${name}`, timers[name]);
  }
  check.oneOf('peerMaxSizeScope', o['peerMaxSizeScope'], ['message', 'chunk']);
  if (o['procedures'] !== undefined) check.object('procedures', o['procedures'], 'the generated procedures object (fileTransferProcedures)');
}

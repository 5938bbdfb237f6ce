// What binding a listening socket can fail with, as a CpmError a person can act on: a port another
// program holds (ERR_ADDRESS_IN_USE), an address this machine does not have (ERR_ADDRESS_NOT_AVAILABLE),
// a port the process may not bind (ERR_ADDRESS_ACCESS, e.g. below 1024 without privilege).
import { CpmError } from './errors.ts';

export function listenError(error: unknown, what: string, host: string, port: number): CpmError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${what} cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new CpmError('ERR_ADDRESS_IN_USE', `${where}: the port is already in use by another program (choose another port, or 0 for any free one)`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new CpmError('ERR_ADDRESS_NOT_AVAILABLE', `${where}: this machine has no such address (use one of its own addresses, e.g. 127.0.0.1 or 0.0.0.0)`, { cause: error });
    case 'EACCES':
      return new CpmError('ERR_ADDRESS_ACCESS', `${where}: permission denied (ports below 1024 need privileges; choose a higher port or 0)`, { cause: error });
    default:
      return new CpmError('ERR_LISTEN', `${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

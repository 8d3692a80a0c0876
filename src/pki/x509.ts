// The one place @peculiar/x509 is loaded: it needs the reflect-metadata polyfill (tsyringe) and a
// WebCrypto provider before first use. Import x509 from here, never from the package directly.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

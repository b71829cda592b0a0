import { NodeCryptoCertificateReader } from '../../src/adapters/outbound/signing/node-crypto-certificate.reader';
import { InMemoryCertificateReader } from '../fakes/in-memory-certificate.reader';
import { certificateReaderContract } from './certificate-reader.contract';

certificateReaderContract('InMemoryCertificateReader (fake)', (good) => {
  const reader = new InMemoryCertificateReader();
  for (const { material, identity } of good) reader.know(material, identity);
  return reader;
});

certificateReaderContract('NodeCryptoCertificateReader', () => new NodeCryptoCertificateReader());

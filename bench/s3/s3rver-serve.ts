// Runs s3rver (the benchmark peer) in a process of its own, as Portcullis runs in its own:
// `node s3rver-serve.js <port> <directory>`; prints "listening on http://..." once ready.
import { createRequire } from 'node:module';

interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  allowMismatchedSignatures: boolean;
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const [port, directory] = process.argv.slice(2);
if (!port || !directory) throw new Error('usage: s3rver-serve.js <port> <directory>');
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  allowMismatchedSignatures: false, // signatures checked, as Portcullis checks them
});
const { port: bound } = await server.run();
console.log(`listening on http://127.0.0.1:${bound}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

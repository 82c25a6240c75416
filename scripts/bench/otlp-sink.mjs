// A collector stand-in for the tracing-on cases: accepts OTLP/HTTP exports and throws them away (argv[2]: the port).
import { createServer } from 'node:http';

createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
}).listen(Number(process.argv[2]), '127.0.0.1');

'use strict';
/**
 * Loaded into each process bench:startup times (NODE_OPTIONS=--require): appends to the file named by
 * BENCH_CPU_FILE the process's CPU time (user + system, ms) at its first error line on stdout (`error`), at its
 * first outgoing TCP connection (`request`) and at its exit (`exit`). CPU time is what a loaded machine distorts
 * least. It loads nothing the step would not: once the step has loaded `net` (noted after each `require`), it wraps
 * `net.Socket.prototype.connect`, which every outgoing TCP connection, TLS ones included, goes through (Node 20
 * does not publish the `net.client.socket` diagnostics channel); and it wraps stdout once the step asks for it.
 */
const { appendFileSync } = require('node:fs');
const Module = require('node:module');

const file = process.env.BENCH_CPU_FILE;
const noted = new Set();
function note(event) {
  if (!file || noted.has(event)) return;
  noted.add(event);
  const { user, system } = process.cpuUsage();
  appendFileSync(file, `${process.pid} ${event} ${((user + system) / 1000).toFixed(1)}\n`);
}

const load = Module._load;
let connectWrapped = false;
Module._load = function (...args) {
  const loaded = load.apply(this, args);
  if (!connectWrapped && process.moduleLoadList.includes('NativeModule net')) {
    connectWrapped = true;
    const { Socket } = load.call(this, 'node:net', null, false);
    const connect = Socket.prototype.connect;
    Socket.prototype.connect = function (...connectArgs) {
      note('request');
      return connect.apply(this, connectArgs);
    };
  }
  return loaded;
};
process.on('exit', () => note('exit'));

const stdout = Object.getOwnPropertyDescriptor(process, 'stdout');
let wrapped = false;
Object.defineProperty(process, 'stdout', {
  ...stdout,
  get() {
    const stream = stdout.get.call(process);
    if (!wrapped) {
      wrapped = true;
      const write = stream.write;
      stream.write = function (chunk, ...rest) {
        if (/##vso\[task\.logissue type=error|^::error/m.test(String(chunk))) note('error');
        return write.call(this, chunk, ...rest);
      };
    }
    return stream;
  },
});

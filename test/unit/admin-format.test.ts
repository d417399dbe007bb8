// The support command line never writes control characters of stored text to the terminal.
import { printable, table } from '../../src/admin-cli/format.js';

test('control characters of stored text are neutralised, printable text is kept', () => {
  expect(printable('Bonjour\u0007 \u001b[31mrouge\u001b[0m')).toBe('Bonjour\uFFFD \uFFFD[31mrouge\uFFFD[0m');
  expect(printable('CSI C1 \u009b2J')).toBe('CSI C1 \uFFFD2J');
  expect(printable('ligne 1\nligne 2\tcolonne — é ✓')).toBe('ligne 1\nligne 2\tcolonne — é ✓');
});

test('table cells are neutralised too', () => {
  expect(table(['ref', 'motif'], [['SIG-1', 'a\u001bb']])).toBe('ref    motif\nSIG-1  a\uFFFDb');
});

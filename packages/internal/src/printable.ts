/**
 * A text fit for a terminal: control characters (escape sequences, carriage returns, bells: C0
 * but tab, DEL and C1) become `?`, so a server's message cannot move the cursor, recolour the
 * screen or hide what came before it.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point.
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '?');
}

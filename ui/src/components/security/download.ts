/**
 * Saves text as a file through the browser's download (a blob link): the
 * recovery key and key exports, which are made here and never sit on a server.
 */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL can go after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// Saves text the page made (a robot's secret file, an audit log export) as a file, through a blob:
// address that lives only for the click; nothing is fetched and nothing is kept.
export function saveFile(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// Text on the tenant's colour: black or white, whichever contrasts more.

/** `#000000` or `#ffffff`, whichever has the higher WCAG contrast ratio on `hex` (`#rrggbb`). */
export function onColour(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black is (l + 0.05) / 0.05; with white, 1.05 / (l + 0.05).
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

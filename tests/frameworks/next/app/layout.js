export const metadata = { title: "estuary-user with Next.js" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <head>
        {/* No favicon request: the test counts every failed request as a problem. */}
        <link rel="icon" href="data:," />
      </head>
      <body>{children}</body>
    </html>
  );
}

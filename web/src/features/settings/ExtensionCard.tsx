import { useExtensionBundle } from "src/api/extension";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatBytes } from "src/common/format";
import { Loading } from "src/common/Loading";

/** The browser extension: its download and how to load it into Chrome. */
export function ExtensionCard() {
  const bundle = useExtensionBundle();
  return (
    <section className="card" aria-labelledby="extension-heading">
      <h2 id="extension-heading">Browser extension</h2>
      <p className="muted">
        Import a provider session you are signed in to, add any image or video on the web to your library,
        animate it, and follow your jobs from Chrome&apos;s toolbar.
      </p>
      {bundle.isPending && <Loading label="Loading…" />}
      <ErrorMessage error={bundle.error} />
      {bundle.data && !bundle.data.available && (
        <p className="muted">The extension is not built on this server yet (run make).</p>
      )}
      {bundle.data?.available && (
        <>
          <p>
            <a href={bundle.data.download_url} download>
              Download the extension
            </a>{" "}
            <span className="muted">
              version {bundle.data.version} · {formatBytes(bundle.data.size_bytes ?? 0)}
            </span>
          </p>
          <ol>
            <li>Unzip the download into a folder you keep.</li>
            <li>
              Open <code>chrome://extensions</code> and turn on <strong>Developer mode</strong>.
            </li>
            <li>
              Click <strong>Load unpacked</strong>, choose the folder, then open the extension from the toolbar
              and connect to <code>{window.location.origin}</code> with your email and password.
            </li>
          </ol>
          <p className="muted">
            The extension signs in with its own session, listed below as “Browser extension”: revoke it there to
            disconnect it.
          </p>
        </>
      )}
    </section>
  );
}

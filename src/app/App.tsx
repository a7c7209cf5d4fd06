// A minimal shell: the SMART launch, record review and plan screens arrive with the app issue.
export function App() {
  return (
    <main>
      <h1>Stagewise</h1>
      <p>Stage-matched psychosocial care for opioid use disorder.</p>
      <p>
        Launch this app from an EHR (SMART on FHIR). Until the launch screens land, try the engine from the command line:
        <code> npm run --silent cli -- evaluate --bundle FILE</code>.
      </p>
    </main>
  );
}

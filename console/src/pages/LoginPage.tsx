import { FormEvent, useState } from 'react';
import {
  ActionGroup, Alert, Button, Card, CardBody, CardTitle, Form, FormGroup, FormHelperText, HelperText, HelperTextItem,
  PageSection, TextInput, Title,
} from '@patternfly/react-core';
import { ApiError, login } from '../api/client';

/** Paste the API token (DATA/token), or follow the one-time link `hoist serve` printed. */
export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const linkInvalid = new URLSearchParams(window.location.search).get('link') === 'invalid';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(token.trim());
      setToken('');
      onLogin();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldMessage('token') ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main>
      <PageSection isFilled>
        <Card style={{ maxWidth: 560, margin: '4rem auto' }}>
          <CardTitle><Title headingLevel="h1" size="2xl">Log in to Hoist</Title></CardTitle>
          <CardBody>
            {linkInvalid && (
              <Alert variant="warning" isInline title="That login link was already used or has expired" role="alert">
                Each link works once, within 15 minutes. Get a new one with <code>hoist console</code>, or paste the token below.
              </Alert>
            )}
            <p>Open the one-time link that <code>hoist serve</code> printed, or paste the API token from the server's
              data directory (<code>DATA/token</code>).</p>
            <Form onSubmit={submit}>
              <FormGroup label="API token" isRequired fieldId="token">
                <TextInput id="token" name="token" type="password" value={token} isRequired autoComplete="off"
                           validated={error ? 'error' : 'default'} onChange={(_, v) => setToken(v)} />
                {error && <FormHelperText><HelperText><HelperTextItem variant="error">{error}</HelperTextItem></HelperText></FormHelperText>}
              </FormGroup>
              <ActionGroup>
                <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || !token.trim()}>Log in</Button>
              </ActionGroup>
            </Form>
          </CardBody>
        </Card>
      </PageSection>
    </main>
  );
}

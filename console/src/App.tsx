import { lazy, Suspense, useEffect, useState } from 'react';
import {
  Button, Masthead, MastheadBrand, MastheadContent, MastheadMain, MastheadToggle, Nav, NavItem, NavList, Page,
  PageSidebar, PageSidebarBody, PageToggleButton, SkipToContent, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { loadSession, logout, setUnauthorizedHandler } from './api/client';
import { Link, navigate, useRoute } from './router';
import { Loading } from './components/common';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';

// Pages other than the overview load on first visit: the first page load stays small.
const ProvidersPage = lazy(() => import('./pages/ProvidersPage'));
const MapsPage = lazy(() => import('./pages/MapsPage'));
const PlansPage = lazy(() => import('./pages/PlansPage'));
const PlanWizard = lazy(() => import('./pages/PlanWizard'));
const PlanDetail = lazy(() => import('./pages/PlanDetail'));
const PluginsPage = lazy(() => import('./pages/PluginsPage'));

const NAV = [
  ['/', 'Overview'], ['/providers', 'Providers'], ['/networkmaps', 'Network maps'], ['/storagemaps', 'Storage maps'],
  ['/plans', 'Plans'], ['/plugins', 'Plugins'],
] as const;

export function App() {
  const [session, setSession] = useState<'unknown' | 'in' | 'out'>('unknown');
  const { path } = useRoute();
  useEffect(() => {
    setUnauthorizedHandler(() => setSession('out'));
    loadSession().then((ok) => setSession(ok ? 'in' : 'out'), () => setSession('out'));
  }, []);

  if (session === 'unknown') return <Loading what="the console" />;
  if (session === 'out' || path === '/login') {
    return <LoginPage onLogin={() => { setSession('in'); if (path === '/login') navigate('/', true); }} />;
  }

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle><PageToggleButton aria-label="Navigation" /></MastheadToggle>
        <MastheadBrand><Link to="/" className="hoist-brand">Hoist</Link></MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarItem align={{ default: 'alignEnd' }}>
              <Button variant="secondary" onClick={async () => { await logout(); setSession('out'); navigate('/login', true); }}>
                Log out
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const section = '/' + (path.split('/')[1] ?? '');
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Console sections">
          <NavList>
            {NAV.map(([to, label]) => (
              <NavItem key={to} isActive={section === to}>
                <Link to={to}>{label}</Link>
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page masthead={masthead} sidebar={sidebar} isManagedSidebar mainContainerId="main"
          skipToContent={<SkipToContent href="#main">Skip to content</SkipToContent>}>
      <Suspense fallback={<Loading what="the page" />}>{page(path)}</Suspense>
    </Page>
  );
}

function page(path: string) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined: return <OverviewPage />;
    case 'providers': return <ProvidersPage parts={parts.slice(1)} />;
    case 'networkmaps': return <MapsPage kind="networkmaps" parts={parts.slice(1)} />;
    case 'storagemaps': return <MapsPage kind="storagemaps" parts={parts.slice(1)} />;
    case 'plans':
      if (parts[1] === '~new') return <PlanWizard />;
      if (parts.length >= 3) return <PlanDetail namespace={parts[1]} name={parts[2]} />;
      return <PlansPage />;
    case 'plugins': return <PluginsPage />;
    default: return <OverviewPage />;
  }
}

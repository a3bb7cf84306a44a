/**
 * Keeps an error thrown while drawing one part of the studio inside that part: it shows the error and
 * a Retry in its place while the rest stays up — above all the Robot panel's EMERGENCY STOP and its Esc
 * key. (React takes the whole page down on an error no boundary catches.)
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the part is, for the message ("viewport", "Robot panel"). */
  name: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`the studio's ${this.props.name} failed: ${error.message}${info.componentStack ?? ''}`);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="error-boundary" role="alert" data-testid="error-boundary">
        The {this.props.name} failed: {error.message}{' '}
        <button type="button" onClick={() => this.setState({ error: undefined })}>Retry</button>
      </div>
    );
  }
}
